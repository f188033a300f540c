"""What officers print (issue 15): every sheet of a template with 40 typed members and of a scored sample goes
through LibreOffice to PDF, and every page's Thai text is read back with its size (``pdftotext -bbox``):
16 pt printed at 70 % is 11.2 pt, the smallest readable.  No header text is wider than its cell or taller than
its row by the font's own metrics (fontTools over the fonts-thai-tlwg file LibreOffice prints with).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from kaset_xl.scoring import score_file
from kaset_xl.workbook.builder import FONT_SIZE, PRINT_SCALE, header_height
from kaset_xl.workbook.layout import LAYOUT
from kaset_xl.workbook.textfit import CELL_PADDING, column_points, wrap
from print_support import page_text, pdf_pages

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
LAKSAMAN = Path("/usr/share/fonts/truetype/tlwg/Laksaman-Bold.ttf")
MIN_PRINTED_PT = 11.0
WORD_HEIGHT_PER_PT = 20.78 / 16  # a word's box in pdftotext -bbox: 1.3 × the size (Laksaman, measured)

pytestmark = pytest.mark.libreoffice


def _typed_members(template: Path, target: Path, n: int = 40) -> None:
    """``n`` members typed into an empty template, as an officer would (openpyxl writes the cells)."""
    members = LAYOUT.table("members")
    wb = openpyxl.load_workbook(template)
    ws = wb[members.sheet]
    for k in range(n):
        row = members.first_data_row + k
        values = {"no": k + 1, "group": "กลุ่มปลูกผักปลอดภัย", "title": "นาย", "first_name": f"สมชาย{k + 1}",
                  "last_name": "ใจดี", "citizen_id": "1100700000000", "tambon": "เวียงใต้", "role": "สมาชิก",
                  "consent": "ใช่"}
        for key, value in values.items():
            ws.cell(row=row, column=members.index(key) + 1, value=value)
    wb.save(target)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, lo_convert: Callable[[Path, str, Path], Path],
            template_path: Path) -> dict[str, list[list]]:
    work = tmp_path_factory.mktemp("print")
    typed = work / "typed-40.xlsx"
    _typed_members(template_path, typed)
    scored = work / "scored.xlsx"
    shutil.copy(SAMPLE, scored)
    score_file(scored)
    return {name: pdf_pages(lo_convert(src, "pdf", work / "pdf")) for name, src in
            (("typed", typed), ("scored", scored))}


@pytest.mark.parametrize("which", ["typed", "scored"])
def test_every_page_prints_thai_at_11pt_or_more(printed: dict[str, list[list]], which: str) -> None:
    small = []
    for n, page in enumerate(printed[which], start=1):
        thai = [w for w in page if w.thai]
        assert thai, f"{which} page {n} has no Thai text"
        smallest = min(w.height for w in thai) / WORD_HEIGHT_PER_PT
        if smallest < MIN_PRINTED_PT:
            small.append(f"page {n} ({page_text(page)[:24]}…): {smallest:.1f} pt")
    assert not small, f"{which}: text printed below {MIN_PRINTED_PT} pt: {small}"


def test_all_40_typed_members_print(printed: dict[str, list[list]]) -> None:
    text = "".join(page_text(p) for p in printed["typed"])
    assert all(f"สมชาย{k}" in text for k in range(1, 41))


def test_the_pages_print_at_the_builders_scale() -> None:
    assert FONT_SIZE * PRINT_SCALE / 100 >= MIN_PRINTED_PT


def _measured_width(font, text: str, size: float) -> float:
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    upem = font["head"].unitsPerEm
    return sum(hmtx[cmap[ord(ch)]][0] for ch in text if ord(ch) in cmap) * size / upem


def test_no_header_is_wider_or_taller_than_its_cell() -> None:
    """Every header and band label, by the font file's metrics: each wrapped line fits its cell's width (a word
    that cannot break — Latin — fits whole), and the lines fit the row height the builder gives it."""
    ttlib = pytest.importorskip("fontTools.ttLib", reason="fontTools reads the font's metrics (test extra)")
    if not LAKSAMAN.is_file():
        pytest.skip("fonts-thai-tlwg is not installed")
    font = ttlib.TTFont(str(LAKSAMAN))
    problems = []
    for table in LAYOUT.tables:
        for col in table.columns:
            room = column_points(col.width) - CELL_PADDING
            lines = wrap(col.header_label, column_points(col.width) * 0.9, FONT_SIZE, bold=True)
            for line in lines:
                if _measured_width(font, line, FONT_SIZE) > room + 0.5:
                    problems.append(f"{table.sheet} {col.key}: “{line}” wider than the cell")
            if len(lines) * 24 > header_height(col.header_label, col.width):
                problems.append(f"{table.sheet} {col.key}: {len(lines)} lines taller than the row")
    assert not problems, problems
