"""What officers print (issue 15): every sheet of a template with 40 typed members and of a scored sample goes
through LibreOffice to PDF, and every page's Thai text is read back with its size (``pdftotext -bbox``):
16 pt printed at 70 % is 11.2 pt, the smallest readable.  No header text is wider than its cell or taller than
its row by the font's own metrics (fontTools over the fonts-thai-tlwg file LibreOffice prints with).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

from kaset_xl.scoring import score_file
from kaset_xl.workbook.builder import FONT_SIZE, PRINT_SCALE, header_height
from kaset_xl.workbook.layout import LAYOUT
from kaset_xl.workbook.printing import CONTINUED, SUMMARY_TITLE, SUMMARY_WIDTHS, identifying_columns, page_breaks
from kaset_xl.workbook.textfit import CELL_PADDING, column_points, lines_height, text_width, wrap
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


# ------------------------------------------------------------------ the title block, the rows after the data

_MARKS = re.compile(r"[\s\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # whitespace and Thai marks above/below


def _bare(text: str) -> str:
    """Text without whitespace and Thai marks above or below: pdftotext may put a tone mark before its vowel."""
    return _MARKS.sub("", text)


def _top_line(page: list) -> str:
    top = min(w.y0 for w in page)
    return "".join(w.text for w in sorted((w for w in page if w.y0 < top + 6), key=lambda w: w.x0))


def _titles() -> dict[str, tuple[str, list[int], int]]:
    """Sheet → (title, its page breaks, its repeated columns) of the tables and the summary."""
    out = {t.sheet: (t.title, page_breaks([c.width for c in t.columns], [c.band for c in t.columns],
                                          identifying_columns(t), landscape=t.landscape), identifying_columns(t))
           for t in LAYOUT.tables}
    assert LAYOUT.summary_sheet
    out[LAYOUT.summary_sheet] = (SUMMARY_TITLE, page_breaks(SUMMARY_WIDTHS, (), 1), 1)
    return out


def _sheet_of_pages(pages: list[list]) -> list[tuple[str | None, bool]]:
    """Each page's sheet and whether its title says "(ต่อ)", from the page's top line (the title block's first
    row prints on top of every page of a table and of the summary)."""
    out: list[tuple[str | None, bool]] = []
    for page in pages:
        top = _bare(_top_line(page))
        found = [(sheet, top != _bare(title)) for sheet, (title, _b, _r) in _titles().items()
                 if top in (_bare(title), _bare(f"{title} {CONTINUED}"))]
        out.append(found[0] if found else (None, False))
    return out


@pytest.mark.parametrize("which", ["typed", "scored"])
def test_every_page_of_a_wide_sheet_shows_its_whole_title(printed: dict[str, list[list]], which: str) -> None:
    """A sheet printed over pages side by side: each page's top line is its whole title, "(ต่อ)" after it on the
    pages after the first of each row of pages (a title cut at the repeated columns' edge is not its top line)."""
    pages = _sheet_of_pages(printed[which])
    titles = _titles()
    for sheet, (_title, breaks, _r) in titles.items():
        flags = [continued for s, continued in pages if s == sheet]
        assert flags, f"{which}: no page of {sheet} has its whole title on top"
        across = len(breaks) + 1
        assert len(flags) % across == 0 and flags == [False, *[True] * (across - 1)] * (len(flags) // across), (
            f"{which} {sheet}: the titles of its pages {flags}")
    known = sum(1 for s, _c in pages if s is not None)
    assert known == len(pages) - 2, f"{which}: every page but the instructions and the district form has a title"


def test_no_title_text_in_the_repeated_columns(tmp_path: Path, template_path: Path) -> None:
    """Structurally (openpyxl): on a sheet printed over pages side by side, the title rows' cells in the repeated
    columns are empty (text there would print cut on the next pages) unless it fits them, and each merged title
    cell lies within one printed page's columns."""
    scored = tmp_path / "scored.xlsx"
    shutil.copy(SAMPLE, scored)
    score_file(scored)
    for path in (template_path, scored):
        wb = openpyxl.load_workbook(path)
        for sheet, (_title, breaks, repeated) in _titles().items():
            if not breaks:
                continue
            ws = wb[sheet]
            room = sum(column_points(ws.column_dimensions[get_column_letter(c)].width - 5 / 7)
                       for c in range(1, repeated + 1))
            for r in range(1, 4):
                for c in range(1, repeated + 1):
                    value = ws.cell(r, c).value
                    assert value is None or text_width(str(value), 20, bold=True) <= room, f"{sheet}!{r},{c}"
            edges = [0, *breaks, 10_000]
            for m in ws.merged_cells.ranges:
                if m.min_row <= 3:
                    page = max(k for k, e in enumerate(edges) if e <= m.min_col - 1)
                    assert m.min_col - 1 >= max(edges[page], repeated), f"{sheet}: {m} in the repeated columns"
                    assert m.max_col - 1 < edges[page + 1] or page == len(breaks), f"{sheet}: {m} over a break"


def _numbered_rows(page: list) -> list[str]:
    """The numbers printed in the ลำดับ column below its header: the data rows on the page (the rows after the
    data carry no number)."""
    heads = [w for w in page if w.text == "ลำดับ"]
    if not heads:
        return []
    head = heads[0]
    return [w.text for w in page if w.text.isdigit() and w.y0 > head.y1
            and head.x0 - 20 <= (w.x0 + w.x1) / 2 <= head.x1 + 20]


def test_the_scored_sample_prints_no_page_without_data(printed: dict[str, list[list]]) -> None:
    """The rows after the data end with the page the data ends on: every page of a table of the scored sample
    shows a data row; ประเมิน 3ก (2 groups) is its 3 pages side by side, งบประมาณ one page."""
    pages = printed["scored"]
    sheets = _sheet_of_pages(pages)
    empty = [f"page {n} ({s})" for n, (page, (s, _c)) in enumerate(zip(pages, sheets, strict=True), start=1)
             if s in {t.sheet for t in LAYOUT.tables} and not _numbered_rows(page)]
    assert not empty, f"pages of blank rows: {empty}"
    counts = {s: sum(1 for x, _c in sheets if x == s) for s, _c in sheets}
    assert counts[LAYOUT.table("assessment").sheet] == 3
    assert counts[LAYOUT.table("budget").sheet] == 1


def test_the_summary_headers_fit_their_cells(tmp_path: Path) -> None:
    """Every header of the summary (score's block) fits its cell by the font's metrics: each wrapped line of it
    no wider than the cell (a Latin word, which does not break, whole)."""
    scored = tmp_path / "scored.xlsx"
    shutil.copy(SAMPLE, scored)
    outcome = score_file(scored)
    assert LAYOUT.summary_sheet
    heads = {f.ref.split(":")[0][1:] for f in outcome.formats if f.fill}
    problems = []
    for w in outcome.writes:
        column = w.cell.rstrip("0123456789")
        if w.sheet != LAYOUT.summary_sheet or w.cell[len(column):] not in heads or not isinstance(w.value, str):
            continue
        points = column_points(SUMMARY_WIDTHS[column_index_from_string(column) - 1])
        for line in wrap(w.value, points * 0.9):
            if text_width(line) > points - CELL_PADDING:
                problems.append(f"{w.cell}: “{line}”")
    assert not problems, problems
    assert not any(isinstance(w.value, str) and w.value in ("Existing", "Developing") for w in outcome.writes)


def test_no_text_of_the_scored_sample_is_taller_than_its_row(tmp_path: Path) -> None:
    """Every text in a table of the scored sample — typed, picked from a dropdown or computed by score (a Smart
    Farmer class) — takes no more wrapped lines, by the font's metrics, than its row holds, and one wider than
    its cell wraps (a long budget item picked from its dropdown): nothing prints cut."""
    scored = tmp_path / "scored.xlsx"
    shutil.copy(SAMPLE, scored)
    score_file(scored)
    wb = openpyxl.load_workbook(scored)
    problems = []
    for table in LAYOUT.tables:
        ws = wb[table.sheet]
        for r in range(table.first_data_row, ws.max_row + 1):
            height = ws.row_dimensions[r].height or ws.sheet_format.defaultRowHeight
            for col in table.columns:
                value = ws.cell(r, table.index(col.key) + 1).value
                if isinstance(value, str) and value and not value.startswith("="):
                    cell = ws.cell(r, table.index(col.key) + 1)
                    if not cell.alignment.wrap_text and text_width(value) > column_points(col.width) - CELL_PADDING:
                        problems.append(f"{table.sheet}!{cell.coordinate} ({col.key}): wider than its cell, unwrapped")
                    lines = len(wrap(value, column_points(col.width)))
                    if lines > 1 and lines_height(lines) > height + 2:
                        where = f"{table.sheet}!{table.letter(col.key)}{r} ({col.key})"
                        problems.append(f"{where}: {lines} lines in {height} pt")
    assert not problems, problems
