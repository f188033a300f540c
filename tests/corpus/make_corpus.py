"""Build the corpus of malformed and hostile inputs described in ``cases.toml`` (issue 7).

    python tests/corpus/make_corpus.py OUTDIR          # writes every file of the manifest into OUTDIR

Every file is made from the shipped sample workbooks (``workbooks/``) or the template builder, changed
with openpyxl or by editing the zip's XML; nothing binary is committed.  The same code gives the same
bytes: zip members are written with a fixed timestamp and openpyxl's document dates are fixed.
``MAKERS`` maps each file (a path relative to OUTDIR, as in the manifest) to the function that writes it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import shutil
import struct
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter as col_name

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests") not in sys.path:  # the sample generator (tests/sample_data.py), when run as a script
    sys.path.insert(0, str(ROOT / "tests"))
SAMPLES = ROOT / "workbooks"
BASE = SAMPLES / "5803-Pai-2564.xlsx"  # a clean district workbook (0 errors, 0 warnings)
GOOD = tuple(SAMPLES / n for n in ("5801-MueangMaeHongSon-2564.xlsx", "5804-MaeSariang-2564.xlsx",
                                   "5807-PangMapha-2564.xlsx"))
FIXED = (2000, 1, 1, 0, 0, 0)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
GROUPS, MEMBERS, INFO, META = "ทะเบียนกลุ่ม", "สมาชิก", "ข้อมูลอำเภอ", "_kaset"
BIG_ROWS = 50_000

Maker = Callable[[Path], None]
MAKERS: dict[str, Maker] = {}


def maker(name: str) -> Callable[[Maker], Maker]:
    def register(fn: Maker) -> Maker:
        MAKERS[name] = fn
        return fn
    return register


# ---------------------------------------------------------------- zip and openpyxl helpers


def rezip(src: Path | bytes, dst: Path, *, edit: dict[str, Callable[[bytes], bytes]] | None = None,
          add: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> None:
    """Copy a zip member by member (fixed timestamps), editing, adding or dropping members."""
    edit, add = edit or {}, add or {}
    zin = zipfile.ZipFile(io.BytesIO(src) if isinstance(src, bytes) else src)
    with zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info.filename)
            if info.filename in edit:
                data = edit[info.filename](data)
            zout.writestr(zipfile.ZipInfo(info.filename, FIXED), data, zipfile.ZIP_DEFLATED)
        for name, data in add.items():
            zout.writestr(zipfile.ZipInfo(name, FIXED), data, zipfile.ZIP_DEFLATED)


def sheet_part(src: Path, sheet: str) -> str:
    """The zip member holding ``sheet``'s XML."""
    with zipfile.ZipFile(src) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(sheet)}" sheetId="\d+"[^>]*r:id="(rId\d+)"', wb)
    assert rid, sheet
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target
    return "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")


def with_openpyxl(dst: Path, change: Callable[[Any], None], *, src: Path = BASE, keep_vba: bool = False) -> None:
    wb = openpyxl.load_workbook(src, keep_vba=keep_vba)
    change(wb)
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    rezip(buf.getvalue(), dst)


def text(cell: Any, value: str) -> None:
    """Put ``value`` in an openpyxl cell as text, even when it starts with '=' (openpyxl's formula sign)."""
    cell.value = value
    cell.data_type = "s"


def copy_of(src: Path) -> Maker:
    def make(dst: Path) -> None:
        shutil.copyfile(src, dst)
    return make


# ---------------------------------------------------------------- not a workbook at all


@maker("ไฟล์เสีย/ว่างเปล่า.xlsx")
def _empty(dst: Path) -> None:
    dst.write_bytes(b"")


@maker("ไฟล์เสีย/truncated.xlsx")
def _truncated(dst: Path) -> None:
    data = BASE.read_bytes()
    dst.write_bytes(data[: len(data) // 2])


@maker("ไฟล์เสีย/cut-at-the-end.xlsx")
def _cut_end(dst: Path) -> None:
    data = BASE.read_bytes()
    dst.write_bytes(data[:-200])  # the end of the central directory is gone


@maker("ไฟล์เสีย/garbage-in-a-sheet.xlsx")
def _garbage(dst: Path) -> None:
    """The members sheet's compressed bytes overwritten with noise (the directory still says it is there)."""
    data = bytearray(BASE.read_bytes())
    with zipfile.ZipFile(BASE) as z:
        info = z.getinfo(sheet_part(BASE, MEMBERS))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 16
    rng = random.Random(7)
    for i in range(start, start + min(2000, info.compress_size - 32)):
        data[i] = rng.randrange(256)
    dst.write_bytes(bytes(data))


@maker("ไฟล์เสีย/bad-checksum.xlsx")
def _bad_checksum(dst: Path) -> None:
    """The members sheet inflates fine but its CRC-32 (local header and directory) does not match: the
    bytes changed after they were written.  Only a reader that checks the CRC notices."""
    data = bytearray(BASE.read_bytes())
    with zipfile.ZipFile(BASE) as z:
        info = z.getinfo(sheet_part(BASE, MEMBERS))
    name = info.filename.encode()
    data[info.header_offset + 14] ^= 0xFF  # the local header's CRC-32
    at = data.rfind(b"PK\x01\x02")
    while at >= 0 and data[at + 46:at + 46 + len(name)] != name:
        at = data.rfind(b"PK\x01\x02", 0, at)
    assert at >= 0
    data[at + 16] ^= 0xFF  # the central directory's CRC-32
    dst.write_bytes(bytes(data))


@maker("ไฟล์เสีย/random-bytes.xlsx")
def _random(dst: Path) -> None:
    dst.write_bytes(random.Random(5803).randbytes(20_000))


@maker("ไม่ใช่ xlsx/old-excel.xlsx")
def _xls(dst: Path) -> None:
    dst.write_bytes(OLE_MAGIC + bytes(4096))


@maker("ไม่ใช่ xlsx/รายชื่อ.xlsx")
def _csv(dst: Path) -> None:
    dst.write_text("ชื่อกลุ่ม,ตำบล,จำนวนสมาชิก\nกลุ่มปลูกผัก,เวียงใต้,15\n", encoding="utf-8-sig")


@maker("ไม่ใช่ xlsx/report.xlsx")
def _pdf(dst: Path) -> None:
    dst.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


@maker("ไม่ใช่ xlsx/web-page.xlsx")
def _html(dst: Path) -> None:
    dst.write_text("<html><body><table><tr><td>กลุ่มปลูกผัก</td></tr></table></body></html>", encoding="utf-8")


@maker("ไม่ใช่ xlsx/เอกสาร word.xlsx")
def _docx(dst: Path) -> None:
    with zipfile.ZipFile(dst, "w") as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", FIXED), "<Types/>")
        z.writestr(zipfile.ZipInfo("word/document.xml", FIXED), "<w:document/>")


@maker("ไม่ใช่ xlsx/other-workbook.xlsx")
def _other(dst: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["ชื่อ", "ยอด"])
    wb.active.append(["กลุ่มปลูกผัก", 15])
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    rezip(buf.getvalue(), dst)


@maker("รหัสผ่าน/ตั้งรหัสผ่าน.xlsx")
def _encrypted(dst: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with BASE.open("rb") as f:
        OOXMLFile(f).encrypt("ปาย5803", out)
    dst.write_bytes(out.getvalue())


# ---------------------------------------------------------------- bombs and unsafe XML

_SPACE = b" " * (1024 * 1024)


@maker("อันตราย/zip-bomb-ratio.xlsx")
def _ratio_bomb(dst: Path) -> None:
    """The members sheet padded with 30 MB of white space: ~1,000:1."""
    part = sheet_part(BASE, MEMBERS)
    rezip(BASE, dst, edit={part: lambda d: d.replace(b"<sheetData>", b"<sheetData>" + _SPACE * 30, 1)})


@maker("อันตราย/longer-than-declared.xlsx")
def _longer_than_declared(dst: Path) -> None:
    """The members sheet followed by 40 MB of spaces (after its root element: still well-formed), its
    declared size that of the sheet alone, so that neither the size nor the ratio limit sees the
    spaces; its CRC covers them all.  A reader must stop at the declared size."""
    part = sheet_part(BASE, MEMBERS)
    with zipfile.ZipFile(BASE) as z:
        real = len(z.read(part))
    rezip(BASE, dst, edit={part: lambda d: d + _SPACE * 40})
    data = bytearray(dst.read_bytes())
    with zipfile.ZipFile(dst) as z:
        info = z.getinfo(part)
    name = part.encode()
    struct.pack_into("<I", data, info.header_offset + 22, real)  # the local header's uncompressed size
    at = data.rfind(b"PK\x01\x02")
    while at >= 0 and data[at + 46:at + 46 + len(name)] != name:
        at = data.rfind(b"PK\x01\x02", 0, at)
    assert at >= 0
    struct.pack_into("<I", data, at + 24, real)  # the central directory's
    dst.write_bytes(bytes(data))


@maker("อันตราย/zip-bomb-size.xlsx")
def _size_bomb(dst: Path) -> None:
    """A 530 MB member of zeros (2.4 MB on disk): over the uncompressed-size limit."""
    rezip(BASE, dst)
    zero = bytes(16 * 1024 * 1024)
    info = zipfile.ZipInfo("xl/media/image1.bin", FIXED)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z, \
            z.open(info, "w", force_zip64=True) as f:
        for _ in range(33):
            f.write(zero)


def _lol(n: int) -> bytes:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 2 else f"&lol{i - 1};") * 10}">' for i in range(2, n + 1))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [{ents}]>'.encode()


@maker("อันตราย/entity-bomb.xlsx")
def _entity_bomb(dst: Path) -> None:
    def bomb(d: bytes) -> bytes:
        body = d.split(b"?>", 1)[1] if d.startswith(b"<?xml") else d
        return _lol(9) + body.replace("กลุ่มแปรรูปงาขี้ม้อน".encode(), b"&lol9;", 1)
    rezip(BASE, dst, edit={"xl/sharedStrings.xml": bomb})


@maker("อันตราย/external-entity.xlsx")
def _xxe(dst: Path) -> None:
    def xxe(d: bytes) -> bytes:
        body = d.split(b"?>", 1)[1] if d.startswith(b"<?xml") else d
        return (b'<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + body)
    rezip(BASE, dst, edit={"xl/workbook.xml": xxe})


@maker("อันตราย/utf16-doctype.xlsx")
def _utf16(dst: Path) -> None:
    def doctype(d: bytes) -> bytes:
        body = d.split(b"?>", 1)[1] if d.startswith(b"<?xml") else d
        return ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
                + body.decode()).encode("utf-16")
    rezip(BASE, dst, edit={"docProps/core.xml": doctype})


@maker("อันตราย/doctype-after-a-comment.xlsx")
def _comment_doctype(dst: Path) -> None:
    """A DOCTYPE hidden behind a comment that holds a tag (a naive "before the first tag" check misses it)."""
    part = sheet_part(BASE, MEMBERS)
    rezip(BASE, dst, edit={part: lambda d: b'<?xml version="1.0"?><!-- <worksheet> --><!DOCTYPE worksheet ['
                           b'<!ENTITY x SYSTEM "file:///etc/passwd">]>' + d.split(b"?>", 1)[-1]})


@maker("อันตราย/sheet-xml-named-png.xlsx")
def _xml_as_png(dst: Path) -> None:
    """The members sheet stored as xl/media/photo.png (the relationship points there) with an entity bomb."""
    part = sheet_part(BASE, MEMBERS)
    with zipfile.ZipFile(BASE) as z:
        xml = z.read(part)
    body = xml.split(b"?>", 1)[-1]
    rezip(BASE, dst, drop=(part,), add={"xl/media/photo.png": _lol(9) + body},
          edit={"xl/_rels/workbook.xml.rels": lambda d: d.replace(
              part.removeprefix("xl/").encode(), b"media/photo.png")})


@maker("อันตราย/row-150000.xlsx")
def _far_row(dst: Path) -> None:
    """One cell at B150000: python-calamine would build a 150,000-row grid."""
    part = sheet_part(BASE, MEMBERS)
    rezip(BASE, dst, edit={part: lambda d: d.replace(
        b"</sheetData>", b'<row r="150000"><c r="B150000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1)})


@maker("อันตราย/rows-without-numbers.xlsx")
def _many_rows(dst: Path) -> None:
    """100,001 rows without row numbers, the last holding a value (the count, not the numbers, is over the limit;
    rows without a value cost python-calamine nothing and are not counted: issue 13)."""
    part = sheet_part(BASE, GROUPS)
    rows = b"<row/>" * 100_000 + b"<row><c><v>1</v></c></row>"
    rezip(BASE, dst, edit={part: lambda d: d.replace(b"</sheetData>", rows + b"</sheetData>", 1)})


@maker("อันตราย/column-ZZ.xlsx")
def _far_col(dst: Path) -> None:
    part = sheet_part(BASE, MEMBERS)
    rezip(BASE, dst, edit={part: lambda d: d.replace(
        b"</sheetData>", b'<row r="60"><c r="ZZ60" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1)})


@maker("อันตราย/lying-dimension.xlsx")
def _dimension(dst: Path) -> None:
    """The dimension claims the whole sheet; the data is the sample's (the count is what counts)."""
    part = sheet_part(BASE, MEMBERS)
    rezip(BASE, dst, edit={part: lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d)})


@maker("อันตราย/macros.xlsm")
def _macros(dst: Path) -> None:
    from kaset_xl.areas import district_area
    from kaset_xl.workbook.builder import build_workbook
    from sample_data import sample_data

    build_workbook(dst, district_area("5803"), 2564, data=sample_data("5803"), macros=True)


# ---------------------------------------------------------------- sheets


@maker("ชีต/sheet-renamed.xlsx")
def _sheet_renamed(dst: Path) -> None:
    with_openpyxl(dst, lambda wb: setattr(wb[MEMBERS], "title", "สมาชิกกลุ่ม"))


@maker("ชีต/sheet-deleted.xlsx")
def _sheet_deleted(dst: Path) -> None:
    with_openpyxl(dst, lambda wb: wb.remove(wb["งบประมาณ"]))


@maker("ชีต/identity-sheet-deleted.xlsx")
def _meta_deleted(dst: Path) -> None:
    with_openpyxl(dst, lambda wb: wb.remove(wb[META]))


@maker("ชีต/sheet-hidden.xlsx")
def _sheet_hidden(dst: Path) -> None:
    def hide(wb: Any) -> None:
        wb[GROUPS].sheet_state = "hidden"
        wb[MEMBERS].sheet_state = "veryHidden"
    with_openpyxl(dst, hide)


@maker("ชีต/sheets-reordered.xlsx")
def _sheet_order(dst: Path) -> None:
    def reorder(wb: Any) -> None:
        wb._sheets.reverse()  # noqa: SLF001 - openpyxl has no public reorder
        wb.active = 0
    with_openpyxl(dst, reorder)


@maker("ชีต/identity-changed.xlsx")
def _identity(dst: Path) -> None:
    def change(wb: Any) -> None:
        for row in wb[META].iter_rows():
            if row[0].value == "district_code":
                row[1].value = "9999"
    with_openpyxl(dst, change)


@maker("ชีต/template-version-9.xlsx")
def _version(dst: Path) -> None:
    def change(wb: Any) -> None:
        for row in wb[META].iter_rows():
            if row[0].value == "template_version":
                row[1].value = "9.0"
    with_openpyxl(dst, change)


# ---------------------------------------------------------------- headers and columns


@maker("หัวตาราง/header-renamed.xlsx")
def _header_renamed(dst: Path) -> None:
    with_openpyxl(dst, lambda wb: setattr(wb[MEMBERS]["F4"], "value", "เลขบัตร"))


@maker("หัวตาราง/header-moved-down.xlsx")
def _header_down(dst: Path) -> None:
    with_openpyxl(dst, lambda wb: wb[MEMBERS].insert_rows(2, 3))


@maker("หัวตาราง/columns-swapped.xlsx")
def _swapped(dst: Path) -> None:
    def swap(wb: Any) -> None:
        ws = wb[MEMBERS]
        for r in range(4, ws.max_row + 1):
            ws[f"F{r}"].value, ws[f"Q{r}"].value = ws[f"Q{r}"].value, ws[f"F{r}"].value
            ws[f"F{r}"].number_format, ws[f"Q{r}"].number_format = ws[f"Q{r}"].number_format, "@"
    with_openpyxl(dst, swap)


@maker("หัวตาราง/extra-columns.xlsx")
def _extra(dst: Path) -> None:
    def extra(wb: Any) -> None:
        ws = wb[MEMBERS]
        ws.insert_cols(3)
        ws["C4"] = "หมายเหตุ"
        ws["C5"] = "ย้ายมาจากอำเภอเมือง"
        ws["Z4"] = "เบอร์สำรอง"
        ws["Z5"] = "0812345678"
    with_openpyxl(dst, extra)


@maker("หัวตาราง/merged-over-data.xlsx")
def _merged(dst: Path) -> None:
    with_openpyxl(dst, lambda wb: wb[MEMBERS].merge_cells("C6:E6"))  # title, first and last name of row 6


# ---------------------------------------------------------------- values


@maker("ค่า/excel-errors.xlsx")
def _errors(dst: Path) -> None:
    def errors(wb: Any) -> None:
        wb[MEMBERS]["F6"] = "#REF!"  # openpyxl stores these as error cells (t="e")
        wb[GROUPS]["K5"] = "#VALUE!"
        wb[INFO]["C8"] = "#N/A"  # the responsible officer (labels are in B)
    with_openpyxl(dst, errors)


@maker("ค่า/numbers-as-text.xlsx")
def _numbers_text(dst: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb[GROUPS]
        for r in (5, 6, 7):
            for c in ("D", "I", "K", "L", "Q", "R"):
                text(ws[f"{c}{r}"], f"{ws[f'{c}{r}'].value:,}" if c in "KL" else str(ws[f"{c}{r}"].value))
    with_openpyxl(dst, change)


@maker("ค่า/text-in-number-cells.xlsx")
def _text_numbers(dst: Path) -> None:
    def change(wb: Any) -> None:
        wb[GROUPS]["K5"] = "ห้าพันบาท"
        wb[GROUPS]["I6"] = "สิบแปดคน"
        wb[MEMBERS]["Q5"] = "ประมาณ 17"
    with_openpyxl(dst, change)


def _thai(v: object) -> str:
    return str(v).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


@maker("ค่า/thai-digits.xlsx")
def _thai_digits(dst: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb[MEMBERS]
        for r in range(5, ws.max_row + 1):
            if ws[f"F{r}"].value:
                for c in ("F", "I", "K", "L"):
                    v = ws[f"{c}{r}"].value
                    text(ws[f"{c}{r}"], _thai(int(v) if isinstance(v, float) else v))
        g = wb[GROUPS]
        for r in (5, 6, 7):
            text(g[f"I{r}"], _thai(g[f"I{r}"].value))
    with_openpyxl(dst, change)


DATE_FORMS = ("12/12/2555", "12 ธ.ค. 55", "12 ธันวาคม พ.ศ. 2555", "2012-12-12", "12 Dec 2012", "๑๒/๑๒/๒๕๕๕",
              "12-12-2555", "12 ธ.ค. 2555", "12/12/2012", "12.12.2555")


@maker("ค่า/dates-as-text.xlsx")
def _dates_text(dst: Path) -> None:
    def change(wb: Any) -> None:
        g = wb[GROUPS]
        for r, form in zip((5, 6, 7), DATE_FORMS, strict=False):
            text(g[f"G{r}"], form)
        m = wb[MEMBERS]
        rows = [r for r in range(5, m.max_row + 1) if m[f"F{r}"].value]
        for r, form in zip(rows, DATE_FORMS, strict=False):
            text(m[f"G{r}"], form.replace("2555", "2510").replace("55", "10").replace("๕๕๕", "๕๑๐")
                 .replace("2012", "1967"))
    with_openpyxl(dst, change)


@maker("ค่า/dates-unreadable.xlsx")
def _dates_bad(dst: Path) -> None:
    def change(wb: Any) -> None:
        text(wb[GROUPS]["G5"], "31/02/2557")
        text(wb[GROUPS]["G6"], "ปีที่แล้ว")
        text(wb[MEMBERS]["G5"], "12/13/2510")
    with_openpyxl(dst, change)


@maker("ค่า/ids-scientific.xlsx")
def _scientific(dst: Path) -> None:
    def change(wb: Any) -> None:
        m = wb[MEMBERS]
        text(m["F5"], "3.06389E+12")  # what a CSV round trip leaves of 3063893299488
        m["F6"] = 3.06389e12  # a number that lost its last digits
        m["F6"].number_format = "0.00E+00"
    with_openpyxl(dst, change)


@maker("ค่า/date-beyond-9999.xlsx")
def _huge_date(dst: Path) -> None:
    """A date cell holding -1e12 (python-calamine 0.9 panics on it in chrono; found by test_fuzz)."""
    part = sheet_part(BASE, MEMBERS)
    rezip(BASE, dst, edit={part: lambda d: re.sub(rb'(<c r="G7" s="\d+"><v>)[^<]*', rb"\g<1>-1e12", d, count=1)})


INJECTIONS = ('=HYPERLINK("http://evil.example/x","คลิกที่นี่")', "=1+2", "+66812345678", "-2+3", "@SUM(A1:A9)",
              "=cmd|' /C calc'!A0")


@maker("ค่า/formula-injection.xlsx")
def _injection(dst: Path) -> None:
    """District text that a spreadsheet would run as a formula if written carelessly, with citizen IDs
    shared with district 5801 (so that the names reach the duplicates sheet)."""
    good = openpyxl.load_workbook(GOOD[0], read_only=True)
    ids = [r[5] for r in good[MEMBERS].iter_rows(min_row=5, max_row=10, values_only=True)]
    good.close()

    def change(wb: Any) -> None:
        m = wb[MEMBERS]
        for i, value in enumerate(INJECTIONS):
            r = 5 + i
            text(m[f"D{r}"], value)
            text(m[f"F{r}"], ids[i])
            text(m[f"P{r}"], value)
        text(m["B10"], INJECTIONS[0])  # a member of a group named like a formula
        text(wb[GROUPS]["M5"], INJECTIONS[0])
    with_openpyxl(dst, change)


@maker("ค่า/formula-in-input.xlsx")
def _formula(dst: Path) -> None:
    """A real formula typed into an input cell: its cached value is never trusted, nothing is computed."""
    def change(wb: Any) -> None:
        wb[GROUPS]["I5"] = "=SUM(5,10)"
        wb[MEMBERS]["Q5"] = '=WEBSERVICE("http://evil.example/")'
    with_openpyxl(dst, change)


@maker("ค่า/very-long-strings.xlsx")
def _long(dst: Path) -> None:
    def change(wb: Any) -> None:
        wb[GROUPS]["M5"] = "งาขี้ม้อน " * 3276  # 32,760 characters: Excel's cell limit is 32,767
        wb[MEMBERS]["P5"] = "ปลูกงา" * 20_000  # 120,000: more than Excel allows
        wb[MEMBERS]["D6"] = "ก" * 5000
        wb[GROUPS]["K6"] = "หนึ่งแสน" * 5000  # 40,000 characters in a number cell: quoted in the message
    with_openpyxl(dst, change)


@maker("ค่า/control-characters.xlsx")
def _controls(dst: Path) -> None:
    """Control characters as Office escapes them in XML (_x0001_), tabs, newlines and zero-width spaces."""
    def change(wb: Any) -> None:
        m = wb[MEMBERS]
        m["D5"] = "คำ_x0001_หล้า"
        m["E5"] = "คำ\tแก้ว\n"
        m["P5"] = "ปลูก_x001B_[31mงา_x007F_"
        m["D6"] = "วิ\u200bชัย"
        wb[GROUPS]["M5"] = "งา_x0000_ขี้ม้อน"
    with_openpyxl(dst, change)


@maker("ค่า/control-character-in-a-group-name.xlsx")
def _control_group(dst: Path) -> None:
    """A group name with U+0001 everywhere it is used (one shared string): it reaches กสอ.3 and สรุปผล."""
    rezip(BASE, dst, edit={"xl/sharedStrings.xml": lambda d: d.replace(
        "กลุ่มแปรรูปงาขี้ม้อน".encode(), "กลุ่มแปรรูปงา_x0001_ขี้ม้อน".encode())})


@maker("อันตราย/unread-sheet-row-150000.xlsx")
def _far_row_unread(dst: Path) -> None:
    """Row 150,000 in the hidden lists sheet, which validate does not read but score's openpyxl would."""
    part = sheet_part(BASE, "รายการ")
    rezip(BASE, dst, edit={part: lambda d: d.replace(
        b"</sheetData>", b'<row r="150000"><c r="A150000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1)})


def _members_edit(dst: Path, change: Callable[[bytes], bytes]) -> None:
    rezip(BASE, dst, edit={sheet_part(BASE, MEMBERS): change})


def _before_sheet_end(extra: bytes) -> Callable[[bytes], bytes]:
    return lambda d: d.replace(b"</sheetData>", extra + b"</sheetData>", 1)


# Spellings XML allows and python-calamine reads, which a check that only knows Office's own writing
# misses (found in review): each must be placed where calamine places it.
@maker("อันตราย/far-row-single-quotes.xlsx")
def _far_row_single_quotes(dst: Path) -> None:
    _members_edit(dst, _before_sheet_end(b"<row r='1000000'><c r='A1000000'><v>1</v></c></row>"))


@maker("อันตราย/far-row-spaced-attribute.xlsx")
def _far_row_spaced(dst: Path) -> None:
    _members_edit(dst, _before_sheet_end(b'<row r = "1000000"><c r = "A1000000"><v>1</v></c></row>'))


@maker("อันตราย/far-column-lower-case.xlsx")
def _far_col_lower(dst: Path) -> None:
    _members_edit(dst, _before_sheet_end(b'<row r="60"><c r="xfd60"><v>1</v></c></row>'))


@maker("อันตราย/cells-without-r.xlsx")
def _cells_without_r(dst: Path) -> None:
    """20,000 cells without r in one row: python-calamine places them one after the other."""
    _members_edit(dst, _before_sheet_end(b'<row r="60">' + b"<c><v>1</v></c>" * 20_000 + b"</row>"))


@maker("อันตราย/rows-with-a-prefix.xlsx")
def _prefixed_rows(dst: Path) -> None:
    """120,000 rows written <x:row/> (no r), the last holding a value: python-calamine reads them as rows."""
    def change(d: bytes) -> bytes:
        ns = b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        d = d.replace(b"<worksheet ", b"<worksheet " + ns, 1)
        rows = b"<x:row/>" * 119_999 + b"<x:row><x:c><x:v>1</x:v></x:c></x:row>"
        return d.replace(b"</sheetData>", rows + b"</sheetData>", 1)
    _members_edit(dst, change)


@maker("อันตราย/far-cell-within-row-and-column-limits.xlsx")
def _far_area(dst: Path) -> None:
    """IV90000: under the row limit and the column limit, but 23 million cells of grid."""
    _members_edit(dst, _before_sheet_end(b'<row r="90000"><c r="IV90000"><v>1</v></c></row>'))


def _shared_string_bomb(dst: Path, cells: int, *, sheet: str = MEMBERS, column: str = "P",
                       first_row: int = 5000, chars: int = 32_000,
                       spelling: bytes = b'<c r="%s" t="s"><v>%d</v></c>') -> None:
    """One ``chars``-character Thai shared string used by ``cells`` cells of ``sheet`` (one a row from
    ``first_row``): python-calamine copies it into every cell (issue 13: 40,000 cells took 2.6 GB)."""
    sst = "xl/sharedStrings.xml"
    with zipfile.ZipFile(BASE) as z:
        index = len(re.findall(rb"<si>", z.read(sst)))
    text = ("ข้อความยาวมาก" * (chars // 13 + 1))[:chars].encode()
    rows = b"".join(b'<row r="%d">' % r + spelling % (f"{column}{r}".encode(), index) + b"</row>"
                    for r in range(first_row, first_row + cells))
    rezip(BASE, dst, edit={
        sst: lambda d: d.replace(b"</sst>", b"<si><t>" + text + b"</t></si></sst>", 1),
        sheet_part(BASE, sheet): _before_sheet_end(rows)})


@maker("อันตราย/shared-string-in-40000-cells.xlsx")
def _shared_40000(dst: Path) -> None:
    _shared_string_bomb(dst, 40_000)


@maker("อันตราย/shared-string-in-20000-cells-single-quoted.xlsx")
def _shared_20000_quoted(dst: Path) -> None:
    """The same, 20,000 cells of ทะเบียนกลุ่ม written t='s' (python-calamine reads either quoting)."""
    _shared_string_bomb(dst, 20_000, sheet=GROUPS, column="M", spelling=b"<c r='%s' t='s'><v>%d</v></c>")


@maker("ค่า/long-text-in-a-few-cells.xlsx")
def _shared_long_but_few(dst: Path) -> None:
    """A 32,000-character text in 200 cells (6 MB): within the limit, read normally."""
    _shared_string_bomb(dst, 200, first_row=3000)


@maker("อันตราย/empty-row-1048576.xlsx")
def _empty_last_row(dst: Path) -> None:
    """LibreOffice's re-save of a sheet with an autofilter: an empty, formatted row 1,048,576 (issue 13).
    It holds no value and costs python-calamine nothing: read normally."""
    _members_edit(dst, _before_sheet_end(b'<row r="1048576" customFormat="false" ht="24" hidden="false" '
                                         b'customHeight="true" outlineLevel="0" collapsed="false"></row>'))


@maker("อันตราย/far-empty-styled-cell.xlsx")
def _far_empty_cell(dst: Path) -> None:
    """A cell at XFD1048576 with a style and no value: no grid for python-calamine, read normally."""
    _members_edit(dst, _before_sheet_end(b'<row r="1048576"><c r="XFD1048576" s="1"/></row>'))


@maker("อันตราย/many-empty-styled-cells.xlsx")
def _many_empty_cells(dst: Path) -> None:
    """3.2 million cells with a style and no value (rows 100–12,599, columns A–IV): nothing for python-calamine,
    an object each for openpyxl (score): refused by count of cells."""
    row = b"".join(b'<c r="%s%%d" s="1"/>' % col_name(c).encode() for c in range(1, 257))
    rows = b"".join(b'<row r="%d">' % r + row.replace(b"%d", str(r).encode()) + b"</row>" for r in range(100, 12_600))
    _members_edit(dst, _before_sheet_end(rows))


# ---------------------------------------------------------------- issue 13: how real clients store values


def _header_cell(ws: Any, text: str, row: int = 4) -> Any:
    return next(c for c in ws[row] if isinstance(c.value, str) and c.value.replace("*", "").strip() == text)


@maker("ค่า/direction-marks-in-ids-and-phones.xlsx")
def _direction_marks(dst: Path) -> None:
    """A Windows contact copy (U+202A … U+202C), direction marks, a soft hyphen and a word joiner around and
    inside IDs, phones, numbers and names: removed like zero-width spaces, read normally."""
    def change(wb: Any) -> None:
        ws = wb[MEMBERS]
        marks = ("\u202a{}\u202c", "\u200e{}\u200f", "{}\u00ad", "\u2066{}\u2069", "\u2060{}")
        for i, row in enumerate(range(5, 10)):
            for col in ("E", "F", "K", "Q"):  # surname, citizen ID, phone, area
                cell = ws[f"{col}{row}"]
                if cell.value is not None:
                    text(cell, marks[i].format(cell.value))
    with_openpyxl(dst, change)


@maker("ค่า/consent-in-words.xlsx")
def _consent_words(dst: Path) -> None:
    """ยินยอม in the consent column: read as yes."""
    def change(wb: Any) -> None:
        ws = wb[MEMBERS]
        col = _header_cell(ws, "สมัครใจเข้าร่วม").column_letter
        for row in range(5, 10):
            ws[f"{col}{row}"] = "ยินยอม"
    with_openpyxl(dst, change)


@maker("ค่า/report-date-two-digit-year.xlsx")
def _two_digit_year(dst: Path) -> None:
    """25/6/64 typed into the report date: Excel and LibreOffice store 1964."""
    with_openpyxl(dst, lambda wb: setattr(wb[INFO]["C12"], "value", dt.date(1964, 6, 25)))


@maker("ค่า/date-buddhist-year-in-a-date-cell.xlsx")
def _be_year_cell(dst: Path) -> None:
    """12/12/2563 typed on a PC set to the Gregorian calendar: stored as 2563 CE (shown 3106); read as meant."""
    def change(wb: Any) -> None:
        ws = wb[MEMBERS]
        col = _header_cell(ws, "วันที่เข้าเป็นสมาชิก").column_letter
        ws[f"{col}5"] = dt.datetime(2563, 12, 12)
    with_openpyxl(dst, change)


@maker("หัวตาราง/optional-column-deleted.xlsx")
def _optional_deleted(dst: Path) -> None:
    """The phone column of สมาชิก deleted: a warning, the rest is read."""
    def change(wb: Any) -> None:
        ws = wb[MEMBERS]
        ws.delete_cols(_header_cell(ws, "โทรศัพท์").column)
    with_openpyxl(dst, change)


@maker("หัวตาราง/header-twice.xlsx")
def _header_twice(dst: Path) -> None:
    """A second column headed ชื่อ at Z: an error at Z4; the first is read."""
    def change(wb: Any) -> None:
        ws = wb[MEMBERS]
        ws["Z4"] = "ชื่อ"
        ws["Z5"] = "คนอื่น"
    with_openpyxl(dst, change)


@maker("หัวตาราง/headers-other-case-and-spacing.xlsx")
def _headers_case(dst: Path) -> None:
    """Computed and input headers with other case and spacing (``ระดับ(คำนวณ)``, ``smart group``): read normally."""
    def change(wb: Any) -> None:
        for ws in wb.worksheets:
            for row in ws.iter_rows(min_row=4, max_row=5):
                for c in row:
                    if isinstance(c.value, str) and any(w in c.value for w in ("(คำนวณ)", "Smart", "คะแนนรวม")):
                        c.value = "  " + c.value.replace(" ", "").swapcase() + " "
    with_openpyxl(dst, change)


@maker("ค่า/error-value-single-quoted.xlsx")
def _error_single_quoted(dst: Path) -> None:
    """#REF! in สมาชิก!R5 (an input column) written t='e'."""
    _members_edit(dst, lambda d: re.sub(rb'<c r="R5"[^>]*?(/>|>.*?</c>)', b"<c r=\"R5\" t='e'><v>#REF!</v></c>", d,
                                        count=1, flags=re.S))


@maker("ค่า/error-value-in-a-title-row.xlsx")
def _error_title(dst: Path) -> None:
    """#N/A in สมาชิก!F2, a title row above the header: never read, so not reported."""
    def change(d: bytes) -> bytes:
        d = re.sub(rb'<c r="F2"[^>]*?(/>|>.*?</c>)', b"", d, count=1, flags=re.S)
        return re.sub(rb'(<row r="2"[^>]*>)', rb'\1<c r="F2" t="e"><v>#N/A</v></c>', d, count=1)
    _members_edit(dst, change)


@maker("ชื่อไทย มีวรรค/เกษตรอำเภอ ปาย (ฉบับแก้ไข)/แบบฟอร์ม ปาย 2564 ส่งจังหวัด.xlsx")
def _thai_names(dst: Path) -> None:
    shutil.copyfile(BASE, dst)


@maker('ชื่อไทย มีวรรค/=HYPERLINK("http:evil","คลิก") +1.xlsx')
def _formula_name(dst: Path) -> None:
    """A file name that looks like a formula (it is shown in the issues and provenance sheets)."""
    def change(wb: Any) -> None:
        wb[GROUPS]["K5"] = "ห้าพันบาท"
    with_openpyxl(dst, change)


# ---------------------------------------------------------------- big


@maker("ใหญ่/members-50000.xlsx")
def _big(dst: Path) -> None:
    """The members sheet with 50,000 rows (one group), written straight into the sheet XML."""
    from sample_data import make_citizen_id

    rng = random.Random(50_000)
    part = sheet_part(BASE, MEMBERS)
    roles = ["ประธาน", "เลขานุการ", "เหรัญญิก"]

    def s(ref: str, v: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'

    rows = []
    for i in range(BIG_ROWS):
        r = 5 + i
        rows.append(
            f'<row r="{r}">' + f'<c r="A{r}"><v>{i + 1}</v></c>' + s(f"B{r}", "กลุ่มแปรรูปงาขี้ม้อน")
            + s(f"C{r}", "นาย") + s(f"D{r}", f"สมชาย{i}") + s(f"E{r}", f"ใจดี{i}")
            + s(f"F{r}", make_citizen_id(rng)) + s(f"J{r}", "เวียงเหนือ")
            + s(f"M{r}", roles[i] if i < 3 else "สมาชิก") + s(f"O{r}", "ใช่") + "</row>")
    big = "".join(rows).encode()

    def replace(d: bytes) -> bytes:
        head, rest = d.split(b"<sheetData>", 1)
        data, tail = rest.split(b"</sheetData>", 1)
        keep = re.findall(rb'<row r="[1-4]"[^>]*>.*?</row>|<row r="[1-4]"[^>]*/>', data, re.S)
        return head + b"<sheetData>" + b"".join(keep) + big + b"</sheetData>" + tail
    rezip(BASE, dst, edit={part: replace})


# ---------------------------------------------------------------- consolidation-only companions


@maker("รวม/5803-copy-older.xlsx")
def _second_copy(dst: Path) -> None:
    """An identical copy of Pai's workbook with an older file time: the same file, counted once."""
    shutil.copyfile(BASE, dst)
    os.utime(dst, (946684800, 946684800))  # 2000-01-01


def make_all(out: Path, only: set[str] | None = None) -> dict[str, Path]:
    """Write the corpus into ``out``; return file name → path."""
    made = {}
    for name, fn in MAKERS.items():
        if only is not None and name not in only:
            continue
        p = out / name
        p.parent.mkdir(parents=True, exist_ok=True)
        fn(p)
        made[name] = p
    return made


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="kaset-corpus-"))
    for name, path in make_all(target).items():
        print(f"{path.stat().st_size:>12,}  {name}")
    print(target)
