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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple

from kaset_xl.criteria import Criteria
from kaset_xl.domain.programme import IFPP_SECTION_TH, ProgrammeResult
from kaset_xl.domain.rules import check_all
from kaset_xl.issues import Issue, message
from kaset_xl.textcell import write
from kaset_xl.workbook.editing import open_for_writing, save_workbook
from kaset_xl.workbook.programme_sheets import CAPABILITY_AREAS
from kaset_xl.workbook.reader import DistrictBook, read_district_workbook

__all__ = ["CellWrite", "ScoreOutcome", "score_book", "score_file", "SUMMARY_FIRST_ROW", "SUMMARY_ROWS",
           "SUMMARY_COLS"]

SUMMARY_FIRST_ROW = 5
SUMMARY_ROWS = 400  # the block of the summary sheet that score owns (cleared on every run)
SUMMARY_COLS = 18


@dataclass(frozen=True)
class CellWrite:
    sheet: str
    cell: str  # A1
    value: Any  # None clears the cell


@dataclass
class ScoreOutcome:
    issues: list[Issue]
    result: ProgrammeResult
    writes: list[CellWrite] = field(default_factory=list)


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


def _reason_th(code: str, book: DistrictBook) -> str:
    crit = book.criteria
    assert crit is not None
    rules = crit.selection
    _, th, _ = message(code, low=rules.past_programme_from, high=rules.past_programme_to,
                       sf_low=rules.smart_farmer_from, sf_high=rules.smart_farmer_to,
                       levels=" / ".join(rules.category2_levels), minimum=rules.category1_min_level, value="")
    return f"{th} [{code}]"


def _summary(book: DistrictBook, result: ProgrammeResult, crit: Criteria) -> list[list[Any]]:
    rows: list[list[Any]] = []
    note = f"เกณฑ์: {Path(crit.source).name}" + (" — เกณฑ์ชั่วคราว (provisional)" if crit.provisional else "")
    rows.append([note])
    rows.append([])
    rows.append(["1. ผลรายกลุ่ม (results per group)"])
    rows.append(["กลุ่ม", "ประเภท", "ผลคัดเลือก", "3ก ครั้งที่ 1", "ระดับ", "3ก ครั้งที่ 2", "ระดับ",
                 "เปลี่ยน (ระดับ)", "บรรลุเป้าหมาย", "ระยะที่ 1 (คน)", "ระยะที่ 2 (คน)", "สัมมนา (คน)",
                 crit.smart_farmer.class_model, "Existing", "Developing", "IFPP ครบ/ทั้งหมด", "วัสดุ (บาท)",
                 "กลุ่มต้นแบบ"])
    sf = crit.smart_farmer
    for g in result.groups:
        rows.append([
            g.name, g.category,
            None if g.eligible is None else ("ผ่าน" if g.eligible else "ไม่ผ่าน"),
            g.round1.total if g.round1 else None, _level_text(g.round1),
            g.round2.total if g.round2 else None, _level_text(g.round2),
            g.change.steps if g.change else None,
            None if g.change is None else ("บรรลุ" if g.change.met else "ไม่บรรลุ"),
            g.counts.phase1, g.counts.phase2, g.counts.seminar,
            g.sf_classes[sf.class_model], g.sf_classes[sf.class_existing], g.sf_classes[sf.class_developing],
            f"{g.ifpp_complete}/{g.ifpp_total}", g.materials, "ใช่" if g.model else "",
        ])
    rows.append([])
    rows.append(["2. คะแนน 3ก รายด้าน (3ก subtotals per assessment)"])
    areas = crit.assessment.areas
    rows.append(["กลุ่ม", "ครั้งที่", *[f"ด้านที่ {a.code}" for a in areas], "รวม", "ระดับ"])
    for a in sorted(result.assessments, key=lambda a: (a.group, a.round)):
        rows.append([a.group, a.round, *[a.score.areas[x.code] for x in areas], a.score.total, a.score.level])
    rows.append([])
    rows.append(["3. ตัวชี้วัดโครงการ (project indicators)"])
    rows.append(["ตัวชี้วัด", "ร้อยละ", "คน"])
    kpi = result.kpi
    if kpi is not None:
        for k, area in enumerate(areas[:CAPABILITY_AREAS]):
            rows.append([f"สมาชิกที่ทำกิจกรรมกลุ่มได้ ด้านที่ {area.code} {area.name}", kpi.percent[k], kpi.capable[k]])
        rows.append(["สมาชิกที่ได้รับการประเมิน", None, kpi.evaluated])
        rows.append(["จำนวนศูนย์เรียนรู้ต้นแบบ", None, kpi.learning_centres])
    rows.append([])
    rows.append(["4. งบประมาณตามกิจกรรม (budget per activity, baht)"])
    rows.append(["กิจกรรม", "จำนวนเงิน (บาท)"])
    for act in crit.budget.activities:
        rows.append([act.name, result.budget.by_activity.get(act.code, 0.0)])
    rows.append(["รวม", result.budget.total])
    return rows


def score_book(book: DistrictBook, *, criteria: Criteria | None = None, today: dt.date | None = None) -> ScoreOutcome:
    """Every issue, the computed results and the cell writes that put them into the workbook."""
    crit = criteria or book.criteria
    assert crit is not None
    issues, result = check_all(book, crit, today=today)
    issues = sorted([*book.issues, *issues], key=lambda i: (i.sheet or "", i.row or 0, i.cell or ""))
    writes: list[CellWrite] = []
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
        writes.append(CellWrite(sheet, "A3", "คำนวณโดย kaset-xl score จากข้อมูลที่กรอกในแบบฟอร์ม "
                                             "(computed by kaset-xl score from the entries)"))
        block = _summary(book, result, crit)
        for r in range(SUMMARY_ROWS):
            line = block[r] if r < len(block) else []
            for c in range(SUMMARY_COLS):
                value = line[c] if c < len(line) else None
                writes.append(CellWrite(sheet, f"{get_column_letter(c + 1)}{SUMMARY_FIRST_ROW + r}",
                                        value))
    return ScoreOutcome(issues=issues, result=result, writes=writes)


def apply_writes(wb: Any, writes: Iterable[CellWrite]) -> None:
    """Apply cell writes to an openpyxl workbook (text is always text, never a formula)."""
    for w in writes:
        ws = wb[w.sheet]
        if w.value is None:
            # Clear only a cell that exists: looking one up creates it, and its row, and score would write
            # empty rows down to the table's end (LibreOffice then adds row 1,048,576: issue 13).
            existing = ws._cells.get(coordinate_to_tuple(w.cell))
            if existing is not None and existing.value is not None:
                existing.value = None
            continue
        write(ws[w.cell], w.value)


def score_file(path: str | os.PathLike[str], output: str | os.PathLike[str] | None = None, *,
               criteria: Criteria | None = None, today: dt.date | None = None) -> ScoreOutcome:
    """Score ``path`` and write the results to ``output`` (default: ``path`` itself), atomically."""
    book = read_district_workbook(path, criteria=criteria)
    outcome = score_book(book, criteria=criteria, today=today)
    wb = open_for_writing(path, output)
    apply_writes(wb, outcome.writes)
    wb.calculation.fullCalcOnLoad = True  # Excel recomputes the live totals on open
    save_workbook(wb, output or path)
    return outcome
