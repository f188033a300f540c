"""The establishment certificate (ใบรับรองการจัดตั้งกลุ่มส่งเสริมอาชีพการเกษตร), seed 004 step 4.

Two steps, so that each can be tested alone:

- :func:`certificate_data` (pure): a read district workbook + the group's name → :class:`CertificateData`
  (names in Thai, areas from geothai, the Buddhist-era date), refusing with a clear code an application
  that is not found, not approved, or has no certificate number, date or approving officer;
- :func:`render_certificate`: that data → a printable A4 portrait sheet (.xlsx, XlsxWriter, TH SarabunPSK)
  or a PDF of it through LibreOffice headless (``soffice --convert-to pdf``, a private profile in a
  temporary folder, a time limit).  Outputs are written atomically.

The wording is a provisional form (the DOAE form itself is not public): it says who certifies, what was
certified, where, by which rules, and when, and who signs.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaset_xl.areas import normalize_tambon
from kaset_xl.domain.establish import applicant_people
from kaset_xl.fileio import atomic_output, scratch_folder
from kaset_xl.issues import KasetError
from kaset_xl.normalize import be_year, clean_text, thai_digits_to_ascii, thai_month_name, to_thai_digits
from kaset_xl.textcell import write
from kaset_xl.workbook.establish_sheets import APPROVED

__all__ = ["CertificateData", "APPROVED", "ESTABLISH_TABLE", "APPLICANTS_TABLE", "find_application",
           "approved_application", "application_errors", "applicants_of", "same_name", "district_tambon",
           "certificate_data", "certificate_lines", "render_certificate", "write_certificate_xlsx",
           "convert_to_pdf", "find_soffice", "wrapped_lines", "SOFFICE_TIMEOUT", "TITLE", "LAYOUT", "CERT_TEMPLATE",
           "CERT_AREA", "CERT_EMBLEM", "CERT_SEAL", "certificate_values", "certificate_template",
           "build_certificate_template"]

TITLE = "ใบรับรองการจัดตั้งกลุ่มส่งเสริมอาชีพการเกษตร"
ESTABLISH_TABLE = "establish"
APPLICANTS_TABLE = "applicants"
SOFFICE_TIMEOUT = 120.0  # seconds; the first conversion also creates the private profile
FONT_NAME = "TH SarabunPSK"


@dataclass(frozen=True)
class CertificateData:
    """Everything the certificate shows, as plain values (no workbook needed to render it)."""

    group_name: str
    tambon: str
    district: str  # Thai name, without "อำเภอ"
    province: str  # Thai name, without "จังหวัด"
    certificate_no: str
    certificate_date: dt.date
    approver: str
    approver_position: str
    office: str  # e.g. สำนักงานเกษตรอำเภอปาย
    house_no: str | None = None
    moo: int | None = None
    main_activity: str | None = None
    member_count: int | None = None

    @property
    def be_year(self) -> int:
        return be_year(self.certificate_date)

    def date_words(self, *, thai_digits: bool = False) -> str:
        """'ให้ไว้ ณ วันที่ 12 เดือน ธันวาคม พ.ศ. 2563' (or with Thai numerals ๑๒ … ๒๕๖๓)."""
        d = self.certificate_date
        text = f"ให้ไว้ ณ วันที่ {d.day} เดือน {thai_month_name(d.month)} พ.ศ. {be_year(d)}"
        return to_thai_digits(text) if thai_digits else text

    def address(self) -> str:
        parts = []
        if self.house_no:
            parts.append(f"เลขที่ {self.house_no}")
        if self.moo is not None:
            parts.append(f"หมู่ที่ {self.moo}")
        parts += [f"ตำบล{self.tambon}", f"อำเภอ{self.district}", f"จังหวัด{self.province}"]
        return " ".join(parts)


# ------------------------------------------------------------------------------------- the data step

def same_name(a: Any, b: Any) -> bool:
    """Two names are the same group's when equal after tidying spaces."""
    return (clean_text(a) or "") == (clean_text(b) or "")


def find_application(book: Any, group: str) -> dict[str, Any]:
    """The establishment application named ``group`` (whitespace-insensitive), or a clear KasetError."""
    shown = str(book.path)
    try:
        table = book.layout.table(ESTABLISH_TABLE)
    except KeyError:
        raise KasetError("CERT_NO_ESTABLISH_TABLE", file=shown) from None
    missing_allowed = getattr(table, "missing_allowed", None)  # a workbook made before the sheet existed
    if ESTABLISH_TABLE not in book.rows or (missing_allowed and missing_allowed(book.identity.template_version)):
        raise KasetError("CERT_NO_ESTABLISH_TABLE", file=shown)
    sheet = table.sheet
    found = [r for r in book.table_rows(ESTABLISH_TABLE) if same_name(r.get("name"), group)]
    if not found:
        raise KasetError("CERT_GROUP_NOT_FOUND", file=shown, group=group, sheet=sheet)
    if len(found) > 1:
        raise KasetError("CERT_GROUP_AMBIGUOUS", file=shown, group=group, sheet=sheet,
                         rows=", ".join(str(r["row"]) for r in found))
    return found[0]


def approved_application(book: Any, group: str) -> dict[str, Any]:
    """The application named ``group``, refused unless approved with a certificate number and date."""
    app = find_application(book, group)
    shown, sheet, row = str(book.path), book.layout.table(ESTABLISH_TABLE).sheet, app["row"]
    decision = clean_text(app.get("decision"))
    if decision != APPROVED:
        raise KasetError("CERT_NOT_APPROVED", file=shown, group=app["name"], decision=decision or "-",
                         cell=_cell(book, "decision", row), sheet=sheet)
    if not clean_text(app.get("certificate_no")):
        raise KasetError("CERT_NUMBER_MISSING", file=shown, group=app["name"], sheet=sheet,
                         cell=_cell(book, "certificate_no", row))
    if not isinstance(app.get("certificate_date"), dt.date):
        cell = _cell(book, "certificate_date", row)
        unreadable = next((i for i in book.issues if i.sheet == sheet and i.cell == cell), None)
        if unreadable is not None:  # a date is there but cannot be read: say so, not "enter it"
            raise KasetError("CERT_DATE_UNREADABLE", file=shown, group=app["name"], sheet=sheet, cell=cell,
                             reason=unreadable.message_th)
        raise KasetError("CERT_DATE_MISSING", file=shown, group=app["name"], sheet=sheet, cell=cell)
    return app


def _cell(book: Any, key: str, row: int) -> str:
    letter = book.columns.get(ESTABLISH_TABLE, {}).get(key)
    return f"{letter}{row}" if letter else f"{row}"


def applicants_of(book: Any, group: str) -> list[dict[str, Any]]:
    """The applicants' rows of the application ``group``, in sheet order."""
    return [r for r in book.table_rows(APPLICANTS_TABLE) if same_name(r.get("group"), group)]


def district_tambon(area: Any, typed: str | None) -> str:
    """The district's own spelling of the typed tambon ('ต.เวียงใต้' → 'เวียงใต้'); as typed if unknown."""
    if not typed:
        return ""
    key = normalize_tambon(typed)
    for name in area.tambon_names:
        if normalize_tambon(name) == key:
            return name
    return typed


def certificate_data(book: Any, group: str) -> CertificateData:
    """The certificate of the approved application ``group`` in the read district workbook ``book``."""
    app = approved_application(book, group)
    area = book.area
    district = area.district.name_th
    approver = clean_text(app.get("approver"))
    if not approver:
        raise KasetError("CERT_APPROVER_MISSING", file=str(book.path), group=app["name"],
                         sheet=book.layout.table(ESTABLISH_TABLE).sheet, cell=_cell(book, "approver", app["row"]))
    office = clean_text(getattr(book.info, "office", None)) or f"สำนักงานเกษตรอำเภอ{district}"
    return CertificateData(
        group_name=clean_text(app["name"]) or group,
        tambon=district_tambon(area, clean_text(app.get("tambon"))),
        district=district,
        province=area.province.name_th,
        certificate_no=clean_text(app["certificate_no"]) or "",
        certificate_date=app["certificate_date"],
        approver=approver,
        approver_position=clean_text(app.get("approver_position")) or f"เกษตรอำเภอ{district}",
        office=office,
        house_no=clean_text(app.get("house_no")),
        moo=app.get("moo"),
        main_activity=clean_text(app.get("main_activity")),
        member_count=len(applicant_people(applicants_of(book, app["name"]))) or None,
    )


def application_errors(book: Any, group: str, *, today: dt.date | None = None) -> list[Any]:
    """The validation errors about the application ``group``: on its row of the establishment sheet or on
    its applicants' rows.  A certificate is still issued (the officer decided); the command shows them."""
    from kaset_xl.issues import Severity
    from kaset_xl.validate import validate_book

    app = find_application(book, group)
    sheet, people_sheet = book.layout.table(ESTABLISH_TABLE).sheet, book.layout.table(APPLICANTS_TABLE).sheet
    people = {r["row"] for r in applicants_of(book, app["name"])}
    return [i for i in validate_book(book, today=today) if i.severity is Severity.ERROR and (
        (i.sheet == sheet and i.row == app["row"]) or (i.sheet == people_sheet and i.row in people))]


# ---------------------------------------------------------------------------------------- rendering

@dataclass(frozen=True)
class _Line:
    text: str
    style: str = "body"  # title | name | body | small | sign
    height: float = 30.0  # points


# The certificate's lines, top to bottom (blank lines are spacing); {key} marks a value (templates/certificate.xlsx
# carries these lines; a province may reword or restyle them in its own copy, --templates DIR)
LAYOUT = (
    _Line("", height=72),  # the place of the Garuda emblem (ตราครุฑ): the template's CERT_EMBLEM, an office fills it

    _Line("กรมส่งเสริมการเกษตร กระทรวงเกษตรและสหกรณ์", "small", 28),
    _Line("", height=30),
    _Line(TITLE, "title", 48),
    _Line("เลขที่ {certificate_no}", "body", 34),
    _Line("", height=30),
    _Line("{office}", "body", 32),
    _Line("ขอรับรองว่า", "body", 32),
    _Line("{group_name}", "name", 52),
    _Line("{address}", "body", 32),
    _Line("{facts}", "body", 32),
    _Line("ได้จัดตั้งเป็นกลุ่มส่งเสริมอาชีพการเกษตร", "body", 32),
    _Line("ตามหลักเกณฑ์การจัดตั้งกลุ่มส่งเสริมอาชีพการเกษตรของกรมส่งเสริมการเกษตร", "body", 32),
    _Line("", height=30),
    _Line("{date}", "body", 34),
    _Line("", height=60),  # the place of the office seal (ตราประทับ): the template's CERT_SEAL
    _Line("(ลงชื่อ) ...................................................", "sign", 32),
    _Line("({approver})", "sign", 32),
    _Line("ตำแหน่ง {approver_position}", "sign", 32),
    _Line("", height=40),
)
CERT_TEMPLATE = "certificate.xlsx"
CERT_AREA = "CERT_AREA"  # the defined name over the certificate's cells: the template's one required name
# Image places an office may fill in its copy of the template (Insert → Pictures over the named cells): kept
# when the certificate is filled (openpyxl keeps a template's pictures with Pillow installed)
CERT_EMBLEM, CERT_SEAL = "CERT_EMBLEM", "CERT_SEAL"


def certificate_values(data: CertificateData, *, thai_digits: bool = False) -> dict[str, str]:
    """The values of the layout's {key} markers."""
    digits = to_thai_digits if thai_digits else thai_digits_to_ascii  # numbers in one script throughout
    facts = []
    if data.main_activity:
        facts.append(f"กิจกรรมหลัก {data.main_activity}")
    if data.member_count:
        facts.append(f"สมาชิกแรกตั้ง {data.member_count} ราย")
    return {"certificate_no": digits(data.certificate_no),
            "office": data.office if data.province in data.office else f"{data.office} จังหวัด{data.province}",
            "group_name": data.group_name, "address": digits(data.address()), "facts": digits("  ".join(facts)),
            "date": data.date_words(thai_digits=thai_digits), "approver": data.approver,
            "approver_position": data.approver_position}


def certificate_lines(data: CertificateData, *, thai_digits: bool = False) -> list[_Line]:
    """The certificate's lines, top to bottom (blank lines are spacing; no facts, no facts line)."""
    values = certificate_values(data, thai_digits=thai_digits)
    return [_Line(line.text.format_map(values), line.style, line.height) for line in LAYOUT
            if line.text != "{facts}" or values["facts"]]


COLUMNS = 8  # the text's columns, C..J
PADDING = 3.0  # columns B and K: the space between the border and the text
STYLES = {"title": (26, True), "name": (28, True), "body": (18, False), "small": (16, False), "sign": (18, False)}
CHARS_AT_18PT = 62  # visible characters (Thai marks take no width) that fit the bordered width at 18 pt
_THAI_MARKS = frozenset([0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)])


def wrapped_lines(text: str, size: float) -> int:
    """How many lines ``text`` needs at ``size`` pt in the bordered width (a long name or address wraps)."""
    visible = sum(1 for ch in text if ord(ch) not in _THAI_MARKS)
    per_line = max(int(CHARS_AT_18PT * 18 / size), 1)
    return max(1, -(-visible // per_line))
COLUMN_WIDTH = 12.0
ROW_SCALE = 1.45  # the page is scaled to its width: taller rows fill the A4 height instead of leaving it blank


def build_certificate_template(path: str | os.PathLike[str]) -> None:
    """Write the shipped certificate template (templates/certificate.xlsx): LAYOUT's lines with their markers."""
    with scratch_folder() as scratch:
        _write_certificate_xlsx(list(LAYOUT), path, TITLE, str(scratch), template=True)


def certificate_template(templates: str | os.PathLike[str] | None = None) -> Any:
    """The certificate template as an openpyxl workbook (a province's with ``templates``), checked: its
    CERT_AREA name present (else TEMPLATE_NAME_MISSING, nothing written)."""
    import importlib.resources
    import zipfile

    import openpyxl

    if templates is None:
        path = Path(str(importlib.resources.files("kaset_xl.templates") / CERT_TEMPLATE))
    else:
        path = Path(templates) / CERT_TEMPLATE
        if not path.is_file():
            raise KasetError("TEMPLATE_NOT_FOUND", file=str(path), name=CERT_TEMPLATE)
    try:
        wb = openpyxl.load_workbook(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise KasetError("TEMPLATE_UNREADABLE", file=str(path), reason=type(exc).__name__) from None
    if CERT_AREA not in wb.defined_names:
        raise KasetError("TEMPLATE_NAME_MISSING", file=str(path), name=CERT_AREA)
    return wb


def write_certificate_xlsx(data: CertificateData, path: str | os.PathLike[str], *,
                           thai_digits: bool = False, templates: str | os.PathLike[str] | None = None) -> None:
    """Write the certificate as a one-page A4 portrait workbook at ``path`` (not atomic: see render): the
    certificate template filled, its styles, page setup and protection kept; a line whose text grows past
    the width (a long name) gets a taller row."""
    from openpyxl.utils.cell import range_boundaries

    wb = certificate_template(templates)
    values = certificate_values(data, thai_digits=thai_digits)
    (sheet, ref), = wb.defined_names[CERT_AREA].destinations
    ws = wb[sheet]
    c0, r0, c1, r1 = (int(v or 0) for v in range_boundaries(ref.replace("$", "")))
    for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
        for cell in row:
            if not isinstance(cell.value, str) or "{" not in cell.value:
                continue
            text = cell.value.format_map(_Blank(values))
            if text.strip():
                write(cell, text)  # names as typed: text, never a formula
            else:
                cell.value = None
            size = float(cell.font.sz or 18)
            extra = (wrapped_lines(text, size) - 1) * size * 1.5
            height = ws.row_dimensions[cell.row].height
            if extra and height:
                ws.row_dimensions[cell.row].height = height + extra
    wb.properties.title = f"{TITLE} {data.group_name}"
    wb.save(path)


class _Blank(dict[str, str]):
    """format_map's values: a marker the program does not know stays empty."""

    def __missing__(self, key: str) -> str:
        return ""


def _write_certificate_xlsx(lines: list[_Line], path: str | os.PathLike[str], title: str, scratch: str, *,
                            template: bool = False) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False, "tmpdir": scratch})
    wb.set_properties({"title": title, "author": "kaset_xl",
                       "company": "กรมส่งเสริมการเกษตร", "created": dt.datetime(2000, 1, 1)})
    base = {"font_name": FONT_NAME, "font_size": 16, "font_scheme": "none", "align": "center",
            "valign": "vcenter"}
    ws = wb.add_worksheet("ใบรับรอง")
    # A and L: the page margin; B and K: the padding inside the double border; C..J: the text
    first, last_col = 2, 1 + COLUMNS
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, PADDING)
    ws.set_column(first, last_col, COLUMN_WIDTH)
    ws.set_column(last_col + 1, last_col + 1, PADDING)
    ws.set_column(last_col + 2, last_col + 2, 2)
    last = len(lines)  # rows 1..last hold the lines (row 0 is the outer margin)
    ws.set_row(0, 14)
    formats: dict[tuple[str, bool, bool], Any] = {}

    def edge(side: str, top: bool, bottom: bool) -> Any:
        key = (side, top, bottom)
        if key not in formats:
            formats[key] = wb.add_format({side: 6, **({"top": 6} if top else {}), **({"bottom": 6} if bottom else {})})
        return formats[key]

    for i, line in enumerate(lines, start=1):
        top, bottom = i == 1, i == last
        key = (line.style, top, bottom)
        if key not in formats:
            size, bold = STYLES[line.style]
            props = {**base, "font_size": size, "bold": bold, "text_wrap": True}
            if top:
                props["top"] = 6
            if bottom:
                props["bottom"] = 6
            formats[key] = wb.add_format(props)
        size = STYLES[line.style][0]
        extra = (wrapped_lines(line.text, size) - 1) * size * 1.5  # the wrapped lines' height
        ws.set_row(i, line.height * ROW_SCALE + extra)
        ws.write_blank(i, 1, None, edge("left", top, bottom))
        ws.merge_range(i, first, i, last_col, "", formats[key])
        if line.text:
            write(ws, line.text, row=i, col=first, fmt=formats[key])  # names as typed: text, never a formula
        ws.write_blank(i, last_col + 1, None, edge("right", top, bottom))
    ws.set_row(last + 1, 14)
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.center_vertically()
    ws.fit_to_pages(1, 1)
    ws.print_area(0, 0, last + 1, last_col + 2)
    if template:
        wb.define_name(CERT_AREA, f"='ใบรับรอง'!$A$1:${chr(ord('A') + last_col + 2)}${last + 2}")
        seal = next(i for i, line in enumerate(lines, start=1) if line.text.startswith("(ลงชื่อ)")) - 1
        columns = f"${chr(ord('A') + first)}${{row}}:${chr(ord('A') + last_col)}${{row}}"
        wb.define_name(CERT_EMBLEM, "='ใบรับรอง'!" + columns.format(row=2))
        wb.define_name(CERT_SEAL, "='ใบรับรอง'!" + columns.format(row=seal + 1))
    ws.hide_gridlines(2)
    ws.set_default_row(24)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    ws.activate()
    wb.close()


def find_soffice() -> str | None:
    """LibreOffice's ``soffice``: ``$KASET_SOFFICE``, then PATH, then the usual install folders."""
    env = os.environ.get("KASET_SOFFICE")
    if env:
        return env if Path(env).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe",
                      r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if Path(candidate).is_file():
            return candidate
    return None


def convert_to_pdf(src: Path, outdir: Path, *, soffice: str | None = None,
                   timeout: float = SOFFICE_TIMEOUT) -> Path:
    """Convert ``src`` to PDF in ``outdir`` with LibreOffice headless (a private profile under ``outdir``)."""
    binary = soffice or find_soffice()
    if binary is None:
        raise KasetError("CERT_LIBREOFFICE_MISSING", file=str(src))
    profile = (outdir / "lo-profile").resolve()
    cmd = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), str(src)]
    scratch = outdir / "lo-tmp"  # LibreOffice's own temporary files: inside ``outdir``, removed with it
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                **_new_session())
    except OSError as exc:
        raise KasetError("CERT_LIBREOFFICE_MISSING", file=str(src), reason=exc.strerror or str(exc)) from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise KasetError("CERT_LIBREOFFICE_FAILED", file=str(src),
                         reason=f"no answer within {timeout:g} s") from None
    pdf = outdir / f"{src.stem}.pdf"
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        reason = " ".join((err or out or f"exit {proc.returncode}").split())[:200]
        raise KasetError("CERT_LIBREOFFICE_FAILED", file=str(src), reason=reason)
    return pdf


def _new_session() -> dict[str, Any]:
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}


def _kill(proc: subprocess.Popen[str]) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)  # soffice and the children it started
        else:
            proc.kill()
    except OSError:
        pass
    try:
        proc.communicate(timeout=10)  # on Windows a child (soffice.bin) may outlive the launcher: do not wait on it
    except subprocess.TimeoutExpired:
        pass


def render_certificate(data: CertificateData, output: str | os.PathLike[str], *, thai_digits: bool = False,
                       overwrite: bool = False, soffice: str | None = None,
                       timeout: float = SOFFICE_TIMEOUT, templates: str | os.PathLike[str] | None = None) -> Path:
    """Write the certificate to ``output`` (.xlsx, or .pdf through LibreOffice), atomically, from the
    shipped certificate template or a province's own (``templates``: its folder)."""
    out = Path(output)
    kind = out.suffix.lower()
    if kind not in (".pdf", ".xlsx"):
        raise KasetError("CERT_FORMAT_UNKNOWN", file=str(out), suffix=out.suffix or "-")
    if out.exists() and not overwrite:
        raise KasetError("OUTPUT_EXISTS", file=str(out))
    certificate_template(templates)  # before any work: a missing or incomplete template is refused
    if kind == ".xlsx":
        with atomic_output(out, overwrite=overwrite) as tmp:
            write_certificate_xlsx(data, tmp, thai_digits=thai_digits, templates=templates)
        return out
    if soffice is None and find_soffice() is None:  # before any work: a clear message, nothing written
        raise KasetError("CERT_LIBREOFFICE_MISSING", file=str(out))
    # the work folder (the .xlsx, LibreOffice's profile and temporary files) is removed whatever happens;
    # a failure to write anywhere on the way (a full disk) is OUTPUT_WRITE_FAILED, and no output is left
    with atomic_output(out, overwrite=overwrite) as tmp, scratch_folder("kaset-cert-") as folder:
        src = folder / "certificate.xlsx"
        write_certificate_xlsx(data, src, thai_digits=thai_digits, templates=templates)
        pdf = convert_to_pdf(src, folder, soffice=soffice, timeout=timeout)
        shutil.copyfile(pdf, tmp)
    return out
