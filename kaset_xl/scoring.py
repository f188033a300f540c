"""Score a district workbook: compute the programme's results and write them into the workbook.

One library entry point serves ``kaset-xl score`` and (later) the workbook's Score button:
:func:`score_book` computes everything and returns the cell writes; :func:`score_file` applies them
with openpyxl to a copy written atomically.  Only the program's own cells are written — the result
columns (grey, locked) and the summary sheet; the officer's entries, the protection and any VBA
project are kept.  Computed cells are never read back (their cached values are not trusted), so
running score twice writes the same values.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple

from kaset_xl.criteria import Criteria
from kaset_xl.domain.budget import BudgetLine, line_amount
from kaset_xl.domain.programme import IFPP_SECTION_TH, ProgrammeResult
from kaset_xl.domain.rules import check_all
from kaset_xl.issues import Issue, message
from kaset_xl.textcell import Formula, write
from kaset_xl.workbook.editing import column_style, open_for_writing, save_workbook, set_print_rows
from kaset_xl.workbook.printing import SUMMARY_COMPUTED, blank_form_rows, live_rows, summary_title_spans
from kaset_xl.workbook.programme_sheets import CAPABILITY_AREAS
from kaset_xl.workbook.reader import DistrictBook, read_district_workbook

__all__ = ["CellWrite", "FormatWrite", "ScoreOutcome", "score_book", "score_file", "SUMMARY_FIRST_ROW",
           "SUMMARY_ROWS", "SUMMARY_COLS", "SUMMARY_HEADER_FILL", "apply_formats"]

SUMMARY_FIRST_ROW = 5
SUMMARY_ROWS = 400  # the block of the summary sheet that score owns (cleared on every run)
SUMMARY_COLS = 18  # cleared on every run: a workbook of an older layout had 18 columns of results


@dataclass(frozen=True)
class CellWrite:
    sheet: str
    cell: str  # A1
    value: Any  # None clears the cell


@dataclass(frozen=True)
class FormatWrite:
    """A number format and a fill for a range (``A1`` or ``A1:B2``): what the buttons' VBA client can apply.
    The summary sheet's borders, widths, fonts and page setup are the template's (built once)."""

    sheet: str
    ref: str
    number_format: str = "General"
    fill: str | None = None  # "#RRGGBB"; None: no fill
    fit_rows: bool = False  # after everything: the rows' heights fitted to their wrapped text


@dataclass
class ScoreOutcome:
    issues: list[Issue]
    result: ProgrammeResult
    writes: list[CellWrite] = field(default_factory=list)
    # sheet → {cell: the library's number} for the live formula cells: saved as their cached values, so a
    # viewer that does not recalculate shows the numbers (a cell without one here: no cached value)
    cached: dict[str, dict[str, float]] = field(default_factory=dict)
    # sheet → the last row a fixed print area must reach (see :func:`print_rows`)
    print_rows: dict[str, int] = field(default_factory=dict)
    formats: list[FormatWrite] = field(default_factory=list)  # applied after the writes, in order


SUMMARY_HEADER_FILL = "#E2EFDA"  # the template's header fill
SCORE_FORMAT = "#,##0.0"  # 3ก points
COUNT_FORMAT = "#,##0"  # people, groups, steps
BAHT_FORMAT = "#,##0.00"  # the headers say (บาท)
PERCENT_FORMAT = '0.00"%"'  # the KPI's percentages are 0–100, 2 decimals


def _level_text(score: Any) -> str | None:
    return None if score is None else score.level


def _result_values(book: DistrictBook, result: ProgrammeResult) -> dict[tuple[str, str], dict[int, Any]]:
    """(table, column) → {row: value} for every result column."""
    out: dict[tuple[str, str], dict[int, Any]] = {
        ("assessment", "level"): {a.row: a.score.level for a in result.assessments},
        ("smart_farmer", "sf_class"): {row: r.cls for row, r in result.smart_farmer.items()},
        ("ifpp", "status"): {
            row: "ครบถ้วน" if s.complete else "ขาด: " + ", ".join(IFPP_SECTION_TH[m] for m in s.missing)
            for row, s in result.ifpp.items()
        },
        ("selection", "result"): {
            row: "ผ่านเกณฑ์" if e.eligible else "ไม่ผ่าน: " + "; ".join(_reason_th(code, book) for code in e.reasons)
            for row, e in result.selection.items()
        },
    }
    return out


def _formula_values(book: DistrictBook, result: ProgrammeResult, crit: Criteria) -> dict[tuple[str, str],
                                                                                          dict[int, float]]:
    """(table, column) → {row: value} of the live formula columns, as the library computes them (the same
    numbers as the formulas: tested against LibreOffice's recalculation)."""
    out: dict[tuple[str, str], dict[int, float]] = {}
    for a in result.assessments:
        for area in crit.assessment.areas:
            out.setdefault(("assessment", f"area_{area.code}"), {})[a.row] = a.score.areas[area.code]
        out.setdefault(("assessment", "total"), {})[a.row] = a.score.total
    out[("ifpp", "profit")] = {row: s.profit for row, s in result.ifpp.items() if s.profit is not None}
    amounts: dict[int, float] = {}
    for r in book.table_rows("budget"):
        amount = line_amount(BudgetLine(key=r["row"], activity=None, item=r.get("item"),
                                        quantity=r.get("quantity"), unit_price=r.get("unit_price")))
        if amount is not None:
            amounts[r["row"]] = amount
    out[("budget", "amount")] = amounts
    return out


def _formula_writes(book: DistrictBook, result: ProgrammeResult, crit: Criteria,
                    outcome: ScoreOutcome) -> None:
    """The live formulas of the rows in use and the rest of the printed page they end on (``printing.live_rows``):
    a template holds them in its first page's rows only, so rows typed further down get theirs here; and their
    cached values.

    Nothing is written to a table whose columns are not where the template put them: the formulas name
    the template's columns."""
    values = _formula_values(book, result, crit)
    for table in book.layout.tables:
        if not table.formula_columns:
            continue
        found = book.columns.get(table.key, {})
        if any(found.get(c.key) != table.letter(c.key) for c in table.columns):
            continue
        used = {r["row"]: r for r in book.table_rows(table.key)}
        for row in live_rows(table, used):
            for col in table.formula_columns:
                cell = f"{table.letter(col.key)}{row}"
                outcome.writes.append(CellWrite(table.sheet, cell, Formula(table.formula_at(col, row))))
                value = values.get((table.key, col.key), {}).get(row)
                if value is not None:
                    outcome.cached.setdefault(table.sheet, {})[cell] = value


def print_rows(book: DistrictBook, added: Mapping[str, Iterable[int]] | None = None) -> dict[str, int]:
    """Sheet → the last row in use of each list sheet (with the rows ``added``, table key → rows, that are
    about to be written), never above the blank form's ruled rows (``printing.blank_form_rows``: its first page).

    A print area fixed in the file (a workbook made before issue 15) is set down to it by ``score``,
    ``register`` and the buttons; a workbook of today has none and prints its used range."""
    out: dict[str, int] = {}
    for table in book.layout.tables:
        if table.key not in book.columns:
            continue
        header = book.header_rows.get(table.key, table.header_row)
        used = [r["row"] for r in book.table_rows(table.key)] + list((added or {}).get(table.key, ()))
        out[table.sheet] = max([header + blank_form_rows(table), *used])
    return out


def summary_note_cells() -> list[str]:
    """The summary's note cells: the third row of the title block of each printed page (the template merges each
    over its page's own columns; column A, repeated on every page, stays empty)."""
    return [f"{get_column_letter(span.first + 1)}3" for span in summary_title_spans()]


def _reason_th(code: str, book: DistrictBook) -> str:
    crit = book.criteria
    assert crit is not None
    rules = crit.selection
    _, th, _ = message(code, low=rules.past_programme_from, high=rules.past_programme_to,
                       sf_low=rules.smart_farmer_from, sf_high=rules.smart_farmer_to,
                       levels=" / ".join(rules.category2_levels), minimum=rules.category1_min_level, value="")
    return f"{th} [{code}]"


def _summary(book: DistrictBook, result: ProgrammeResult, crit: Criteria
             ) -> tuple[list[list[Any]], set[int], dict[tuple[int, int], str]]:
    """The summary block's rows, the rows that are a table's header (filled), and the number format of every
    figure ((row, column) → format; rows and columns 0-based in the block)."""
    rows: list[list[Any]] = []
    heads: set[int] = set()
    formats: dict[tuple[int, int], str] = {}

    def figures(cols: dict[int, str]) -> None:
        for c, f in cols.items():
            formats[(len(rows) - 1, c)] = f

    note = f"เกณฑ์: {Path(crit.source).name}" + (" — เกณฑ์ชั่วคราว (provisional)" if crit.provisional else "")
    rows.append([note])
    rows.append([])
    # The per-group results as two tables of at most SUMMARY_COLS columns: the summary prints one page wide.
    rows.append(["1. คัดเลือกและประเมิน 3ก รายกลุ่ม (per group)"])
    heads.add(len(rows))
    rows.append(["กลุ่ม", "ประเภท", "ผลคัดเลือก", "3ก ครั้งที่ 1", "ระดับ", "3ก ครั้งที่ 2", "ระดับ",
                 "เปลี่ยน (ระดับ)", "บรรลุเป้าหมาย"])
    for g in result.groups:
        rows.append([
            g.name, g.category,
            None if g.eligible is None else ("ผ่าน" if g.eligible else "ไม่ผ่าน"),
            g.round1.total if g.round1 else None, _level_text(g.round1),
            g.round2.total if g.round2 else None, _level_text(g.round2),
            g.change.steps if g.change else None,
            None if g.change is None else ("บรรลุ" if g.change.met else "ไม่บรรลุ"),
        ])
        figures({1: COUNT_FORMAT, 3: SCORE_FORMAT, 5: SCORE_FORMAT, 7: COUNT_FORMAT})
    rows.append([])
    rows.append(["2. ผู้เข้าร่วมและผลรายกลุ่ม (per group)"])
    heads.add(len(rows))
    sf = crit.smart_farmer
    rows.append(["กลุ่ม", "ระยะที่ 1 (คน)", "ระยะที่ 2 (คน)", "สัมมนา (คน)", sf.class_model,
                 "Smart Farmer ที่ผ่านเกณฑ์ (Existing)", "Smart Farmer ที่ต้องพัฒนา (Developing)",
                 "IFPP ครบ/ทั้งหมด", "วัสดุ (บาท)", "กลุ่มต้นแบบ"])
    for g in result.groups:
        rows.append([
            g.name, g.counts.phase1, g.counts.phase2, g.counts.seminar,
            g.sf_classes[sf.class_model], g.sf_classes[sf.class_existing], g.sf_classes[sf.class_developing],
            f"{g.ifpp_complete}/{g.ifpp_total}", g.materials, "ใช่" if g.model else "",
        ])
        figures({**dict.fromkeys(range(1, 7), COUNT_FORMAT), 8: BAHT_FORMAT})
    rows.append([])
    rows.append(["3. คะแนน 3ก รายด้าน (3ก subtotals per assessment)"])
    areas = crit.assessment.areas
    heads.add(len(rows))
    rows.append(["กลุ่ม", "ครั้งที่", *[f"ด้านที่ {a.code}" for a in areas], "รวม", "ระดับ"])
    for a in sorted(result.assessments, key=lambda a: (a.group, a.round)):
        rows.append([a.group, a.round, *[a.score.areas[x.code] for x in areas], a.score.total, a.score.level])
        figures({1: COUNT_FORMAT, **dict.fromkeys(range(2, 3 + len(areas)), SCORE_FORMAT)})
    rows.append([])
    rows.append(["4. ตัวชี้วัดโครงการ (project indicators)"])
    heads.add(len(rows))
    rows.append(["ตัวชี้วัด", "ร้อยละ", "คน"])
    kpi = result.kpi
    if kpi is not None:
        for k, area in enumerate(areas[:CAPABILITY_AREAS]):
            rows.append([f"สมาชิกที่ทำกิจกรรมกลุ่มได้ ด้านที่ {area.code} {area.name}", kpi.percent[k], kpi.capable[k]])
            figures({1: PERCENT_FORMAT, 2: COUNT_FORMAT})
        rows.append(["สมาชิกที่ได้รับการประเมิน", None, kpi.evaluated])
        figures({2: COUNT_FORMAT})
        rows.append(["จำนวนศูนย์เรียนรู้ต้นแบบ", None, kpi.learning_centres])
        figures({2: COUNT_FORMAT})
    rows.append([])
    rows.append(["5. งบประมาณตามกิจกรรม (budget per activity, baht)"])
    heads.add(len(rows))
    rows.append(["กิจกรรม", "จำนวนเงิน (บาท)"])
    for act in crit.budget.activities:
        rows.append([act.name, result.budget.by_activity.get(act.code, 0.0)])
        figures({1: BAHT_FORMAT})
    rows.append(["รวม", result.budget.total])
    figures({1: BAHT_FORMAT})
    return rows, heads, formats


def score_book(book: DistrictBook, *, criteria: Criteria | None = None, today: dt.date | None = None) -> ScoreOutcome:
    """Every issue, the computed results and the cell writes that put them into the workbook."""
    crit = criteria or book.criteria
    assert crit is not None
    issues, result = check_all(book, crit, today=today)
    issues = sorted([*book.issues, *issues], key=lambda i: (i.sheet or "", i.row or 0, i.cell or ""))
    outcome = ScoreOutcome(issues=issues, result=result)
    writes = outcome.writes
    _formula_writes(book, result, crit, outcome)
    outcome.print_rows = print_rows(book)
    layout = book.layout
    for (table_key, col_key), values in _result_values(book, result).items():
        table = layout.table(table_key)
        letter = book.columns[table_key].get(col_key)
        if letter is None:  # the column is not in the file (HEADER_OPTIONAL_MISSING): nothing is written
            continue
        for row in range(table.first_data_row, table.last_data_row + 1):
            writes.append(CellWrite(table.sheet, f"{letter}{row}", values.get(row)))
    sheet = layout.summary_sheet
    if sheet:
        notes = summary_note_cells()
        if "A3" not in notes:
            writes.append(CellWrite(sheet, "A3", None))  # a workbook whose summary printed over pages: its old note
        for cell in notes:
            writes.append(CellWrite(sheet, cell, SUMMARY_COMPUTED))
        block, heads, number_formats = _summary(book, result, crit)
        outcome_formats = _summary_formats(sheet, block, heads, number_formats)
        for r in range(SUMMARY_ROWS):
            line = block[r] if r < len(block) else []
            for c in range(SUMMARY_COLS):
                value = line[c] if c < len(line) else None
                writes.append(CellWrite(sheet, f"{get_column_letter(c + 1)}{SUMMARY_FIRST_ROW + r}",
                                        value))
        outcome.formats = outcome_formats
    return outcome


def _summary_formats(sheet: str, block: list[list[Any]], heads: set[int],
                     number_formats: dict[tuple[int, int], str]) -> list[FormatWrite]:
    """The whole block reset (no fill, General), then each table's header row filled and each figure's
    number format, a run of equal formats in a row as one range (few actions for the buttons)."""
    last = get_column_letter(SUMMARY_COLS)
    block_ref = f"A{SUMMARY_FIRST_ROW}:{last}{SUMMARY_FIRST_ROW + SUMMARY_ROWS - 1}"
    out = [FormatWrite(sheet, block_ref)]
    for r in sorted(heads):
        row = SUMMARY_FIRST_ROW + r
        out.append(FormatWrite(sheet, f"A{row}:{get_column_letter(len(block[r]))}{row}",
                               fill=SUMMARY_HEADER_FILL))
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, c), f in sorted(number_formats.items()):
        by_row.setdefault(r, []).append((c, f))
    for r, cells in by_row.items():
        row = SUMMARY_FIRST_ROW + r
        start, prev, fmt = cells[0][0], cells[0][0], cells[0][1]
        for c, f in [*cells[1:], (-1, "")]:
            if c == prev + 1 and f == fmt:
                prev = c
                continue
            first, end = get_column_letter(start + 1), get_column_letter(prev + 1)
            out.append(FormatWrite(sheet, f"{first}{row}" if start == prev else f"{first}{row}:{end}{row}", fmt))
            start, prev, fmt = c, c, f
    out.append(FormatWrite(sheet, f"A{SUMMARY_FIRST_ROW}:{last}{SUMMARY_FIRST_ROW + len(block) - 1}", fit_rows=True))
    return out


def _column_styles(ws: Any) -> None:
    """A cell openpyxl creates has the default style, where Excel gives a new cell its column's (the template's
    borders, wrapping and alignment): the summary block's cells take their column's style, as in Excel, keeping
    a number format of their own (text written as text)."""
    from copy import copy

    dims = [(d.min, d.max, d) for d in ws.column_dimensions.values() if d.min and d.max and d.has_style]
    for (r, c), cell in ws._cells.items():
        if r < SUMMARY_FIRST_ROW:
            continue
        dim = next((d for lo, hi, d in dims if lo <= c <= hi), None)
        if dim is not None:
            own, quote = cell.number_format, cell.quotePrefix  # text written as text keeps its marker
            cell._style = copy(dim._style)
            cell.quotePrefix = quote
            if own != "General":
                cell.number_format = own


def _fit_rows(ws: Any, ref: str) -> None:
    """Row heights for the wrapped text of ``ref``'s rows (Excel does not fit them on open): the font's metrics."""
    from openpyxl.utils.cell import range_boundaries

    from kaset_xl.workbook.textfit import column_points, lines_height, wrap

    bounds = range_boundaries(ref)
    assert None not in bounds
    min_col, min_row, max_col, max_row = (int(b or 0) for b in bounds)
    dims = [(d.min, d.max, d.width) for d in ws.column_dimensions.values() if d.min and d.max]
    # (looked up, not indexed: indexing column_dimensions adds a dimension for a missing letter)
    widths = {c: next((w for lo, hi, w in dims if lo <= c <= hi and w), 9.0) for c in range(min_col, max_col + 1)}
    for r in range(min_row, max_row + 1):
        lines = 1
        for c in range(min_col, max_col + 1):
            value = ws._cells.get((r, c))
            if value is not None and isinstance(value.value, str):
                # openpyxl's width already holds Excel's padding
                lines = max(lines, len(wrap(value.value, column_points(widths[c] - 5 / 7) * 0.9)))
        ws.row_dimensions[r].height = max(24, lines_height(lines)) if lines > 1 else None


def apply_formats(wb: Any, formats: Iterable[FormatWrite]) -> None:
    """Apply number formats and fills to an openpyxl workbook, in order (a later one wins).  A reset (General,
    no fill) touches only cells that exist: it creates no empty rows."""
    from openpyxl.styles import PatternFill
    from openpyxl.utils.cell import range_boundaries

    for f in formats:
        ws = wb[f.sheet]
        if f.fit_rows:
            _fit_rows(ws, f.ref)
            continue
        fill = (PatternFill(fill_type="solid", start_color="FF" + f.fill.lstrip("#").upper())
                if f.fill else PatternFill(fill_type=None))
        min_col, min_row, max_col, max_row = (int(b or 0) for b in range_boundaries(
            f.ref if ":" in f.ref else f"{f.ref}:{f.ref}"))
        reset = f.fill is None and f.number_format == "General"
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                cell = ws._cells.get((r, c)) if reset else ws.cell(r, c)
                if cell is not None:
                    cell.number_format = f.number_format
                    cell.fill = fill


def apply_writes(wb: Any, writes: Iterable[CellWrite]) -> None:
    """Apply cell writes to an openpyxl workbook (text is always text; only a :class:`Formula` of the
    library's own is a formula).  A new cell takes its column's style: openpyxl would give it none, and the
    computed columns' grey fill and number format would be lost in Excel (issue 15)."""
    for w in writes:
        ws = wb[w.sheet]
        if w.value is None:
            # Clear only a cell that exists: looking one up creates it, and its row, and score would write
            # empty rows down to the table's end (LibreOffice then adds row 1,048,576: issue 13).
            existing = ws._cells.get(coordinate_to_tuple(w.cell))
            if existing is not None and existing.value is not None:
                existing.value = None
            continue
        cell = ws[w.cell]
        if not cell.has_style:
            style = column_style(ws, cell.column)
            if style is not None:
                cell._style = copy(style)
        write(cell, w.value)


def score_file(path: str | os.PathLike[str], output: str | os.PathLike[str] | None = None, *,
               criteria: Criteria | None = None, today: dt.date | None = None) -> ScoreOutcome:
    """Score ``path`` and write the results to ``output`` (default: ``path`` itself), atomically."""
    book = read_district_workbook(path, criteria=criteria)
    outcome = score_book(book, criteria=criteria, today=today)
    wb = open_for_writing(path, output)
    apply_writes(wb, outcome.writes)
    if book.layout.summary_sheet and book.layout.summary_sheet in wb.sheetnames:
        _column_styles(wb[book.layout.summary_sheet])
    apply_formats(wb, outcome.formats)
    wb.calculation.fullCalcOnLoad = True  # Excel recomputes the live totals on open
    set_print_rows(wb, outcome.print_rows)
    save_workbook(wb, output or path, cached=outcome.cached)
    return outcome
