"""kaset_xl.workbook.package: hostile zip packages that would make the guard and the readers see
different sheets are refused (exit 2, a stable code, no traceback, the input unchanged).

Each package is rebuilt with :mod:`zipfile` from a copy of the Pai sample (the original is never
touched); the "hostile" sheet reaches row 1,000,000, which the guard refuses whenever it looks at it.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import struct
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaset_xl.cli import cli
from kaset_xl.issues import KasetError
from kaset_xl.workbook import package
from kaset_xl.workbook.guard import Limits, open_guard

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "workbooks").glob("*.xlsx"))
PAI = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
SHEET = "xl/worksheets/sheet4.xml"  # the members sheet สมาชิก of the sample
FAR = b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>'
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("base") / "pai.xlsx"
    shutil.copyfile(PAI, copy)
    return copy


def members(base: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(base) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def part(base: Path, name: str) -> bytes:
    return dict(members(base))[name]


def hostile(base: Path) -> bytes:
    s = part(base, SHEET)
    i = s.index(b"</sheetData>")
    return s[:i] + FAR + s[i:]


def build(base: Path, out: Path, replace: dict[str, bytes] | None = None,
          extra: list[tuple[str, bytes]] | None = None) -> Path:
    replace = replace or {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a name written twice
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in members(base):
                z.writestr(n, replace.get(n, d))
            for n, d in extra or []:
                z.writestr(n, d)
    return out


def validate(path: Path) -> tuple[int, list[str]]:
    """``kaset-xl validate --json``: exit code and codes; the input's bytes are unchanged."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(cli, ["validate", "--json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return result.exit_code, [i["code"] for i in json.loads(result.output)]


def refused(path: Path, code: str) -> None:
    exit_code, codes = validate(path)
    assert exit_code == 2 and codes == [code], (exit_code, codes)


# ---------------------------------------------------------------- sheet name → part


def _wb(base: Path) -> bytes:
    return part(base, "xl/workbook.xml")


def _rels(base: Path) -> bytes:
    return part(base, "xl/_rels/workbook.xml.rels")


def _members_sheet_tag(base: Path) -> bytes:
    wb = _wb(base)
    i = wb.index('name="สมาชิก"'.encode())
    return wb[wb.rindex(b"<sheet ", 0, i):wb.index(b"/>", i) + 2]


def _rid_of_members(base: Path) -> bytes:
    tag = _members_sheet_tag(base)
    return tag[tag.index(b'r:id="') + 6:].split(b'"')[0]


def _other_rid(base: Path) -> bytes:
    rid = _rid_of_members(base)
    return b"rId1" if rid != b"rId1" else b"rId2"


def test_a_commented_sheet_tag_does_not_hide_the_members_sheet(base: Path, tmp_path: Path) -> None:
    """The guard maps สมาชิก through the real tag, not through a commented one after it."""
    wb = _wb(base).replace(b"</sheets>", b'</sheets><!--<sheet name="\xe0\xb8\xaa\xe0\xb8\xa1\xe0\xb8\xb2\xe0\xb8\x8a'
                           b'\xe0\xb8\xb4\xe0\xb8\x81" sheetId="99" r:id="' + _other_rid(base) + b'"/>-->')
    refused(build(base, tmp_path / "c.xlsx", {SHEET: hostile(base), "xl/workbook.xml": wb}), "SHEET_TOO_MANY_ROWS")


def test_a_commented_relationship_does_not_hide_the_members_sheet(base: Path, tmp_path: Path) -> None:
    rels = _rels(base).replace(b"</Relationships>", b'<!--<Relationship Id="' + _rid_of_members(base)
                               + b'" Type="x" Target="worksheets/sheet1.xml"/>--></Relationships>')
    refused(build(base, tmp_path / "c.xlsx", {SHEET: hostile(base), "xl/_rels/workbook.xml.rels": rels}),
            "SHEET_TOO_MANY_ROWS")


def test_a_second_id_attribute_is_refused(base: Path, tmp_path: Path) -> None:
    tag = _members_sheet_tag(base)
    wb = _wb(base).replace(b"<workbook ", b'<workbook xmlns:x="urn:x" ', 1)
    wb = wb.replace(tag, tag.replace(b" r:id=", b' x:id="' + _other_rid(base) + b'" r:id='))
    refused(build(base, tmp_path / "x.xlsx", {SHEET: hostile(base), "xl/workbook.xml": wb}), "FILE_CORRUPT")


def _mapped(sheets: str) -> dict[str, str]:
    buf = io.BytesIO()
    wb = (f'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:q="{R_NS}" '
          f'xmlns:r="urn:not-relationships"><sheets>{sheets}</sheets></workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="t" Target="worksheets/a.xml"/>'
            '<Relationship Id="rId2" Type="t" Target="other/b.xml"/></Relationships>')
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
    with zipfile.ZipFile(buf) as z:
        return package.map_sheets(z, "t.xlsx")


def test_the_id_is_taken_in_the_relationships_namespace_only() -> None:
    """Any prefix bound to the relationships namespace is the sheet's id; an id in another namespace
    (even spelled ``r:id``) is refused, as a reader matching the name ``r:id`` would follow it."""
    assert _mapped('<sheet name="A" sheetId="1" q:id="rId1"/>') == {"A": "xl/worksheets/a.xml"}
    with pytest.raises(KasetError) as info:
        _mapped('<sheet name="A" sheetId="1" q:id="rId1"/><sheet name="B" sheetId="2" r:id="rId2"/>')
    assert info.value.code == "FILE_CORRUPT"


@pytest.mark.parametrize("name", ["สมาชิก", "ABC"])
def test_a_sheet_name_twice_is_refused(base: Path, tmp_path: Path, name: str) -> None:
    wb = _wb(base)
    if name == "ABC":  # names differing only in case: one sheet for Excel
        wb = wb.replace(b"</sheets>", b'<sheet name="abc" sheetId="98" r:id="' + _other_rid(base) + b'"/></sheets>')
    wb = wb.replace(b"</sheets>", f'<sheet name="{name}" sheetId="99" r:id="'.encode() + _other_rid(base)
                    + b'"/></sheets>')
    refused(build(base, tmp_path / "d.xlsx", {SHEET: hostile(base), "xl/workbook.xml": wb}), "FILE_CORRUPT")


def test_a_relationship_id_twice_is_refused(base: Path, tmp_path: Path) -> None:
    rels = _rels(base).replace(b"<Relationship ", b'<Relationship Id="' + _rid_of_members(base)
                               + b'" Type="x" Target="worksheets/sheet1.xml"/><Relationship ', 1)
    refused(build(base, tmp_path / "d.xlsx", {SHEET: hostile(base), "xl/_rels/workbook.xml.rels": rels}),
            "FILE_CORRUPT")


@pytest.mark.parametrize("target", ["../xl/worksheets/sheet4.xml", "xl/worksheets/sheet4.xml",
                                    "worksheets/./sheet4.xml"])
def test_a_target_readers_would_resolve_differently_is_refused(base: Path, tmp_path: Path, target: str) -> None:
    rels = _rels(base).replace(b'Target="worksheets/sheet4.xml"', f'Target="{target}"'.encode())
    assert rels != _rels(base)
    refused(build(base, tmp_path / "t.xlsx", {"xl/_rels/workbook.xml.rels": rels}), "FILE_CORRUPT")


def test_an_absolute_target_is_followed(base: Path, tmp_path: Path) -> None:
    rels = _rels(base).replace(b'Target="worksheets/sheet4.xml"', b'Target="/xl/worksheets/sheet4.xml"')
    refused(build(base, tmp_path / "a.xlsx", {SHEET: hostile(base), "xl/_rels/workbook.xml.rels": rels}),
            "SHEET_TOO_MANY_ROWS")


# ---------------------------------------------------------------- member names


def _rewrite(base: Path, out: Path, rename: Callable[[str], list[str]]) -> Path:
    """The sample with each member written under the names ``rename`` gives (the members sheet hostile
    in its first copy)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in members(base):
                for k, new in enumerate(rename(n)):
                    z.writestr(zipfile.ZipInfo(new), hostile(base) if n == SHEET and k == 0 else d)
    return out


@pytest.mark.parametrize("names", [
    [SHEET, SHEET],  # the same member twice: zipfile takes the last, the zip crate the first
    [SHEET.upper(), SHEET],  # twice, ignoring case
    ["xl/worksheets/x/../sheet4.xml", SHEET],
    ["xl/worksheets/./sheet4.xml", SHEET],
    ["xl\\worksheets\\sheet4.xml", SHEET],
    ["/" + SHEET, SHEET],
    ["xl//worksheets/sheet4.xml", SHEET],
])
def test_member_names_must_be_normalised_and_unique(base: Path, tmp_path: Path, names: list[str]) -> None:
    path = _rewrite(base, tmp_path / "m.xlsx", lambda n: names if n == SHEET else [n])
    refused(path, "FILE_CORRUPT")


# ---------------------------------------------------------------- the zip directory


def _split(raw: bytes) -> tuple[bytes, list[bytes], int]:
    """Local part, central directory records, position of the end record."""
    eocd = raw.rindex(b"PK\x05\x06")
    cd_off = struct.unpack_from("<I", raw, eocd + 16)[0]
    recs, i = [], cd_off
    while i < eocd:
        n, e, c = struct.unpack_from("<HHH", raw, i + 28)
        recs.append(raw[i:i + 46 + n + e + c])
        i += 46 + n + e + c
    return raw[:cd_off], recs, eocd


def _end(count: int, size: int, offset: int, comment: int) -> bytes:
    return b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, size, offset, comment)


@pytest.mark.parametrize("comment", [0, 0x40])
def test_two_end_records_are_refused(base: Path, tmp_path: Path, comment: int) -> None:
    """A directory with the hostile sheet, hidden in the comment of an end record whose own directory
    holds the benign one: Python's zipfile and the zip crate would read different directories."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in members(base):
                z.writestr(n, d)
            z.writestr(SHEET, hostile(base))
    local, recs, _ = _split(buf.getvalue())
    names = [r[46:46 + struct.unpack_from("<H", r, 28)[0]] for r in recs]
    first = names.index(SHEET.encode())
    cd_a = b"".join(r for k, r in enumerate(recs) if k != first)
    cd_b = b"".join(recs[:-1])
    tail_b = cd_b + _end(len(recs) - 1, len(cd_b), len(local) + len(cd_a) + 22, comment)
    out = tmp_path / "k.xlsx"
    out.write_bytes(local + cd_a + _end(len(recs) - 1, len(cd_a), len(local), len(tail_b)) + tail_b)
    refused(out, "FILE_CORRUPT")


def test_bytes_after_the_end_record_are_refused(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    out.write_bytes(base.read_bytes() + b"\0" * 100)
    refused(out, "FILE_CORRUPT")


def test_an_entry_count_that_disagrees_with_the_directory_is_refused(base: Path, tmp_path: Path) -> None:
    raw = bytearray(base.read_bytes())
    eocd = raw.rindex(b"PK\x05\x06")
    count = struct.unpack_from("<H", raw, eocd + 10)[0]
    struct.pack_into("<HH", raw, eocd + 8, count - 1, count - 1)  # zipfile reads by size, the zip crate by count
    out = tmp_path / "n.xlsx"
    out.write_bytes(bytes(raw))
    refused(out, "FILE_CORRUPT")


def test_a_zip64_directory_is_refused(base: Path, tmp_path: Path) -> None:
    raw = base.read_bytes()
    local, recs, eocd = _split(raw)
    cd = b"".join(recs)
    z64_at = len(local) + len(cd)
    z64 = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, len(recs), len(recs), len(cd), len(local))
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, z64_at, 1)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    out = tmp_path / "z64.xlsx"
    out.write_bytes(local + cd + z64 + locator + end)
    with zipfile.ZipFile(out) as z:  # a valid zip for Python
        assert len(z.infolist()) == len(recs)
    refused(out, "FILE_CORRUPT")


def test_too_many_members_are_refused_before_zipfile_lists_them(base: Path, tmp_path: Path) -> None:
    extra = [(f"{i:x}", b"") for i in range(10_001)]
    out = build(base, tmp_path / "many.xlsx", extra=extra)
    refused(out, "FILE_TOO_MANY_PARTS")
    with pytest.raises(KasetError) as info:  # the limit is a setting
        open_guard(out, "many.xlsx", Limits(max_members=10_000)).close()
    assert info.value.code == "FILE_TOO_MANY_PARTS" and info.value.params["limit"] == "10,000"
    open_guard(out, "many.xlsx", Limits(max_members=20_000)).close()


def test_an_end_record_signature_inside_member_data_is_not_a_second_directory(base: Path, tmp_path: Path) -> None:
    """The four bytes PK\\x05\\x06 inside a (stored) member near the end are data, not a directory."""
    with zipfile.ZipFile(tmp_path / "s.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members(base):
            z.writestr(n, d)
        z.writestr("docProps/blob.bin", b"x" * 100 + b"PK\x05\x06" + b"\0" * 30, zipfile.ZIP_STORED)
    with open(tmp_path / "s.xlsx", "rb") as fh:
        assert package.check_directory(fh, (tmp_path / "s.xlsx").stat().st_size, "s.xlsx", 10_000) == \
            len(members(base)) + 1


# ---------------------------------------------------------------- the main part


def test_another_main_workbook_part_is_refused(base: Path, tmp_path: Path) -> None:
    """``score`` (openpyxl) would follow [Content_Types].xml / _rels/.rels to xl/wb2.xml, whose sheets
    the guard never looked at."""
    rels2 = _rels(base)
    ct = part(base, "[Content_Types].xml").replace(b"/xl/workbook.xml", b"/xl/wb2.xml")
    root = part(base, "_rels/.rels").replace(b"xl/workbook.xml", b"xl/wb2.xml")
    extra = [("xl/wb2.xml", _wb(base)), ("xl/_rels/wb2.xml.rels", rels2)]
    refused(build(base, tmp_path / "both.xlsx", {"_rels/.rels": root, "[Content_Types].xml": ct}, extra),
            "WORKBOOK_PART_UNEXPECTED")
    refused(build(base, tmp_path / "ct.xlsx", {"[Content_Types].xml": ct}, extra), "WORKBOOK_PART_UNEXPECTED")
    refused(build(base, tmp_path / "rels.xlsx", {"_rels/.rels": root}, extra), "WORKBOOK_PART_UNEXPECTED")


# ---------------------------------------------------------------- real workbooks still pass


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_samples_pass(sample: Path, tmp_path: Path) -> None:
    copy = tmp_path / sample.name
    shutil.copyfile(sample, copy)
    exit_code, codes = validate(copy)
    assert exit_code == 0 and codes == []
    with open(copy, "rb") as fh:
        assert package.check_directory(fh, copy.stat().st_size, sample.name, 10_000) == len(members(copy))
