"""Render the pictures of the guides (docs/images/*.png) from the real workbooks, so they can be regenerated and
never drift from the product.

    python docs/make_images.py            # rewrite every picture in docs/images/
    python docs/make_images.py --list     # print the file names it makes (what tests/test_docs_images.py checks)

Sources: the shipped sample district workbook ``workbooks/5803-Pai-2564.xlsx`` (scored into a temporary copy with
``kaset-xl score``, as the คำนวณคะแนน button would), a fresh ``.xlsm`` template of ปาย made by ``kaset-xl template``
(for the buttons), a copy of the sample with four planted mistakes after the ตรวจสอบข้อมูล button (run on xlwings'
remote engine through ``tests/xl_engine_support.py``: needs the ``test`` extra), the provincial workbook made by
``kaset-xl demo`` and the certificate made by ``kaset-xl certificate``. Each picture is the first A4 page (or the
page ``PAGES`` names) of one
sheet as LibreOffice prints it: the other sheets are hidden in a temporary copy (LibreOffice does not print hidden
sheets), all copies are converted to PDF by one headless LibreOffice run with a private profile, and ``pdftoppm``
turns page 1, cropped to what is printed on it (without the page footer), into a PNG. The buttons of the ``.xlsm``
are set not to print; in the copy for the pictures they are made printable.

Needs LibreOffice (``soffice``) and poppler-utils (``pdftoppm``); on Debian/Ubuntu with Thai fonts:
``sudo apt-get install -y libreoffice-calc-nogui fonts-thai-tlwg poppler-utils``. The pictures depend on the fonts
installed (TH SarabunPSK is replaced by a Thai font such as Laksaman where it is missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
IMAGES = HERE / "images"
SAMPLE = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
CERTIFIED_GROUP = "กลุ่มแปรรูปกล้วยตาก"  # approved, certificate 5803/2564/01, in the sample of ปาย
RESOLUTION = 72  # dots per inch: an A4 landscape page is ~842 × 595 pixels; cropped to what is printed
MAX_LANDSCAPE_HEIGHT = 400  # pixels: of a long table on a landscape page, its headers and first rows are enough
FOOTER_AT = 0.93  # the page footer (หน้า 1 / N) is below this fraction of the page height: not in the picture
MARGIN = 8  # pixels of white kept around the printed content
_NEAR_WHITE = bytes(255 if b >= 235 else b for b in range(256))  # light anti-aliasing counts as paper

# (file name in docs/images, source, sheet). Sources: "district" = the scored sample of ปาย, "template" = the
# fresh .xlsm template of ปาย (buttons), "checked" = the sample of ปาย with four ordinary mistakes after the
# ตรวจสอบข้อมูล button, "province" = the demo's provincial workbook, "province-template" = the shipped
# templates/provincial.xlsx (its {key} markers and defined names), "certificate" = the PDF.
PICTURES: tuple[tuple[str, str, str], ...] = (
    ("district-01-instructions-buttons.png", "template", "คำแนะนำ"),
    ("district-02-office.png", "district", "ข้อมูลอำเภอ"),
    ("district-03-groups.png", "district", "ทะเบียนกลุ่ม"),
    ("district-04-members.png", "district", "สมาชิก"),
    ("district-05-selection.png", "district", "คัดเลือกกลุ่ม"),
    ("district-06-assessment.png", "district", "ประเมิน 3ก"),
    ("district-07-smart-farmer.png", "district", "Smart Farmer"),
    ("district-08-ifpp.png", "district", "IFPP"),
    ("district-09-participation.png", "district", "การเข้าร่วม"),
    ("district-10-budget.png", "district", "งบประมาณ"),
    ("district-11-establish.png", "district", "จัดตั้งกลุ่ม"),
    ("district-12-applicants.png", "district", "ผู้ขอจัดตั้ง"),
    ("district-13-summary.png", "district", "สรุปผล"),
    ("district-14-check-results.png", "checked", "ผลการตรวจสอบ"),
    ("district-15-check-colours.png", "checked", "สมาชิก"),
    ("province-01-kso1.png", "province", "กสอ.1"),
    ("province-02-kso2.png", "province", "กสอ.2"),
    ("province-03-kso3.png", "province", "กสอ.3"),
    ("province-04-kso4.png", "province", "กสอ.4"),
    ("province-05-new-groups.png", "province", "กลุ่มจัดตั้งใหม่"),
    ("province-06-completeness.png", "province", "ความครบถ้วน"),
    ("province-07-template.png", "province-template", "กสอ.1"),
    ("certificate.png", "certificate", ""),
    ("print-3k-page2.png", "district", "ประเมิน 3ก"),
    ("print-summary-page1.png", "district", "สรุปผล"),
)
# Pictures of another page than the first: how a wide form goes on over pages side by side (issue 15).
PAGES: dict[str, int] = {"print-3k-page2.png": 2, "print-summary-page1.png": 1}


def outputs() -> list[str]:
    """The file names this script writes into docs/images, sorted."""
    return sorted(name for name, _source, _sheet in PICTURES)


# Four ordinary mistakes typed into a copy of the sample for the pictures of the ตรวจสอบข้อมูล button:
# (sheet, cell, value). A citizen ID whose check digit is wrong (error), a phone too short (warning), a first name
# left empty (error), a meal price above the rate cap (error: type ข, not every meal, at most 400 baht).
MISTAKES: tuple[tuple[str, str, object], ...] = (
    ("สมาชิก", "F7", "1543947800309"),  # the sample has 1543947800308
    ("สมาชิก", "K8", "08123"),
    ("สมาชิก", "D9", None),
    ("งบประมาณ", "H6", 500),
)
CHECK_DAY = dt.date(2021, 6, 30)  # the day the button is "pressed" (the sample's dates are all before it)


def _checked_copy(target: Path) -> None:
    """The sample with MISTAKES, after the ตรวจสอบข้อมูล button (kaset_xl.xl.validate).

    The button runs for real on xlwings' remote engine (the noncommercial licence, as tests/test_xl_engine.py does)
    on the payload xlwings' VBA client would post for this workbook; its actions (the results sheet, the fills) are
    applied to the file by the same emulation of the VBA client the tests use (tests/xl_engine_support.py)."""
    import openpyxl

    sys.path.insert(0, str(ROOT / "tests"))
    # first: it sets xlwings' licence key, which must be in the environment before xlwings is imported
    from xl_engine_support import apply_actions, payload_from_file, remote_engine_problem  # noqa: I001

    import xlwings as xw

    import kaset_xl.xl as buttons

    problem = remote_engine_problem()
    if problem:
        sys.exit(f"xlwings' remote engine cannot run here: {problem}")
    wb = openpyxl.load_workbook(SAMPLE)
    for sheet, cell, value in MISTAKES:
        wb[sheet][cell] = value
    wb.save(target)
    book = xw.Book(json=payload_from_file(target))
    buttons.validate(book, today=CHECK_DAY)
    wb = openpyxl.load_workbook(target, rich_text=True)
    apply_actions(wb, book.json()["actions"])
    results = wb[buttons.RESULTS_SHEET]
    for column, width in zip("ABCDE", (6, 11, 120, 28, 18), strict=True):  # about what autofit gives
        results.column_dimensions[column].width = width
    for row in range(1, results.max_row + 1):  # Thai text is taller than the default row
        results.row_dimensions[row].height = 21
    results.page_setup.orientation = "landscape"
    results.page_setup.paperSize = results.PAPERSIZE_A4
    results.sheet_properties.pageSetUpPr.fitToPage = True  # the sheet has no print setup: fit it to the page width
    results.page_setup.fitToWidth, results.page_setup.fitToHeight = 1, 0
    results.print_area = f"A1:E{results.max_row}"  # not column H, the button's own record of the coloured cells
    wb.save(target)


def _kaset(*args: str, ok: tuple[int, ...] = (0,)) -> None:
    done = subprocess.run([sys.executable, "-m", "kaset_xl", *args], stdout=subprocess.DEVNULL)
    if done.returncode not in ok:
        raise subprocess.CalledProcessError(done.returncode, ["kaset-xl", *args])


def _one_sheet_copy(source: Path, sheet: str, target: Path) -> None:
    """A copy of ``source`` in which only ``sheet`` is visible (and active)."""
    import openpyxl

    keep_vba = source.suffix.lower() == ".xlsm"
    wb = openpyxl.load_workbook(source, keep_vba=keep_vba)
    shown = wb[sheet]
    shown.sheet_state = "visible"
    wb.active = wb.worksheets.index(shown)
    if keep_vba and not shown.print_area:
        # The buttons of คำแนะนำ sit below its last row of text: print two more rows so they are not cut off.
        from openpyxl.utils import get_column_letter

        shown.print_area = f"A1:{get_column_letter(shown.max_column)}{shown.max_row + 2}"
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is shown
        if ws is not shown:
            if ws.sheet_state == "visible":
                ws.sheet_state = "hidden"
            ws.print_area = None  # LibreOffice prints a hidden sheet's print area
    wb.save(target)
    if keep_vba:
        _print_buttons(target)


def _print_buttons(path: Path) -> None:
    """Let the buttons print in this copy (the template's buttons are set not to print: x:PrintObject False).

    LibreOffice draws a button's caption larger than Excel does and wraps it onto a second line that the button
    cuts off: the picture's captions are drawn at 8 pt instead of 11 pt, so they show on one line as in Excel."""
    import zipfile

    rewritten = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/drawings/") and item.filename.endswith(".vml"):
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"<x:PrintObject>True</x:PrintObject>")
                data = data.replace(b'size="220"', b'size="160"')
            new.writestr(item, data)
    rewritten.replace(path)


def _soffice() -> str:
    found = os.environ.get("KASET_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        sys.exit("LibreOffice (soffice) not found: install it or set KASET_SOFFICE")
    return found


def _to_pdf(files: list[Path], outdir: Path, profile: Path) -> None:
    subprocess.run([_soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


def _content_box(pdf: Path, page: int = 1) -> tuple[int, int, int, int]:
    """(x, y, width, height) in pixels of what is printed on ``page`` above the page footer, plus a margin."""
    ppm = subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page), "-singlefile",
                          str(pdf)],
                         check=True, capture_output=True).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", ppm)
    assert header, "pdftoppm gave no PPM image"
    width, height = int(header.group(1)), int(header.group(2))
    pixels = ppm[header.end():]
    stride = width * 3
    body = int(height * FOOTER_AT)  # leave out the page footer (หน้า 1 / N)
    left, right, top, bottom = width, 0, None, 0
    for y in range(body):
        row = pixels[y * stride:(y + 1) * stride].translate(_NEAR_WHITE)
        inked = len(row.rstrip(b"\xff"))
        if inked:
            left = min(left, (stride - len(row.lstrip(b"\xff"))) // 3)
            right = max(right, (inked - 1) // 3)
            top = y if top is None else top
            bottom = y
    if top is None:
        return 0, 0, width, height
    x0, y0 = max(left - MARGIN, 0), max(top - MARGIN, 0)
    w, h = min(right + MARGIN, width - 1) - x0 + 1, min(bottom + MARGIN, height - 1) - y0 + 1
    if width > height:
        h = min(h, MAX_LANDSCAPE_HEIGHT)
    return x0, y0, w, h


def _first_page_png(pdf: Path, png: Path, page: int = 1) -> None:
    x, y, w, h = _content_box(pdf, page)
    subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page), "-singlefile",
                    "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf), str(png.with_suffix(""))],
                   check=True)


def make(images: Path = IMAGES, only: str = "") -> list[Path]:
    """Render every picture (or only those whose file name starts with ``only``: the others are kept)."""
    with tempfile.TemporaryDirectory(prefix="kaset-images-") as tmp_name:
        tmp = Path(tmp_name)
        sources = {
            "district": tmp / "pai-2564-scored.xlsx",
            "template": tmp / "pai-2564.xlsm",
            "province": tmp / "province-58-2564.xlsx",
            "province-template": ROOT / "templates" / "provincial.xlsx",
            "checked": tmp / "pai-2564-checked.xlsx",
        }
        wanted = [(name, source, sheet) for name, source, sheet in PICTURES if name.startswith(only)]
        used = {source for _name, source, _sheet in wanted}
        if "district" in used:
            _kaset("score", str(SAMPLE), "-o", str(sources["district"]))
        if "template" in used:
            _kaset("template", "--province", "แม่ฮ่องสอน", "--district", "ปาย", "--year", "2564",
                   "-o", str(sources["template"]))
        if "province" in used:
            _kaset("demo", "-o", str(sources["province"]), ok=(0, 1))  # 1: the samples leave 3 districts missing
        if "checked" in used:
            _checked_copy(sources["checked"])
        copies = tmp / "copies"
        pdfs = tmp / "pdf"
        copies.mkdir()
        pdfs.mkdir()
        to_convert: list[Path] = []
        pdf_of: dict[str, Path] = {}
        for name, source, sheet in wanted:
            stem = Path(name).stem
            if source == "certificate":
                pdf_of[name] = pdfs / f"{stem}.pdf"
                _kaset("certificate", str(SAMPLE), "--group", CERTIFIED_GROUP, "-o", str(pdf_of[name]))
                continue
            copy = copies / (stem + sources[source].suffix)
            _one_sheet_copy(sources[source], sheet, copy)
            to_convert.append(copy)
            pdf_of[name] = pdfs / f"{stem}.pdf"
        _to_pdf(to_convert, pdfs, tmp / "profile")
        images.mkdir(exist_ok=True)
        for old in images.glob("*.png"):
            if old.name not in outputs():
                old.unlink()
        written = []
        for name in outputs():
            if name not in pdf_of:
                continue
            _first_page_png(pdf_of[name], images / name, PAGES.get(name, 1))
            written.append(images / name)
        return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print the file names made, render nothing")
    parser.add_argument("--only", default="", metavar="PREFIX",
                        help="render only the pictures whose name starts with PREFIX (e.g. province-)")
    args = parser.parse_args()
    if args.list:
        print("\n".join(outputs()))
        return
    for path in make(only=args.only):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
