"""Report layouts as data: per sheet, a title and a list of columns (key, Thai header, width, number format).

Change a header, a width, the order or drop a column here — the writer follows.  The rows are plain
dicts built by :func:`report_rows` from a :class:`Consolidation`; a key with no column is not shown.
The official กสอ. forms were not in hand when these were written: the layouts are provisional.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from kaset_xl.consolidate.core import STATUS_TH, STATUSES, Consolidation, DistrictStatus, format_id, mask_id
from kaset_xl.workbook.programme_sheets import CAPABILITY_AREAS
from kaset_xl.workbook.spec import TEMPLATE_ID, TEMPLATE_VERSION

__all__ = ["Col", "Report", "REPORTS", "KSA3_QUALITY", "report_rows", "mask_ids_in", "NOTE_TH", "totals_note",
           "SEVERITY_TH", "TOTAL_LABEL", "TARGET_LABEL"]

INT, NUM, PCT, DATE = "#,##0", "#,##0.00", "0.00", "[$-1070000]d/mm/yyyy"


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    width: float = 12
    num_format: str | None = None  # None: text
    total: bool = True  # a numeric column summed in the total row
    span: int = 1  # sheet columns the field covers (merged): tables stacked on one sheet share its column grid
    # an enumerated column's values (or the widest form of a coded one): the column is wide enough for each word
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    sheet: str
    title: str
    columns: tuple[Col, ...]
    totals: bool = False  # a total row (sums of the numeric columns) and a target row below the data
    key: str = ""  # the prefix of the template's defined names for this table (KSA1_ROW, KSA1_TOTAL, …)


_SRC = Col("source", "ไฟล์ต้นทาง", 20)
TOTAL_LABEL, TARGET_LABEL = "รวมทั้งจังหวัด", "เป้าหมาย"  # the district column of the total and target rows
SHA_LINE = "d" * 16  # a SHA-256 (64 hexadecimal digits) prints in four lines of 16: as wide as 16 of its widest
SCORE = "100.00"  # the widest score (3ก, out of 100)
DISTRICT_CODE = "8888"  # a district's code, four digits: its column is wide enough for it on one line
# the status beside the figures, short (ความครบถ้วน has the long text)
STATUS_SHORT_TH = {"received": "ถูกต้อง", "received_errors": "มีข้อผิดพลาด", "errors": "ไม่นำมารวม",
                   "empty": "ว่าง", "unusable": "ใช้ไม่ได้", "missing": "ยังไม่ได้รับ"}
LATE_TH = " ล่าช้า"  # after a short status
YES_NO_TH = ("ใช่", "ไม่")
GOAL_TH = ("บรรลุ", "ไม่บรรลุ")
LATE_VALUES_TH = ("ล่าช้า", "ตรงเวลา")
# severity in the officer's words (ปัญหา)
SEVERITY_TH = {"fatal": "ใช้ไม่ได้", "error": "ข้อผิดพลาด", "warning": "คำเตือน", "info": "ข้อสังเกต"}
_D = (Col("district_code", "รหัส\nอำเภอ", 10, values=(DISTRICT_CODE,)), Col("district", "อำเภอ", 18))
# the quality behind a district's figures (issue 12): its errors, warnings and status — narrow, so that
# the sheets still print on one A4 width at a readable size
_Q = (Col("errors", "ข้อผิด\nพลาด", 9, INT), Col("warnings", "คำเตือน", 8, INT), Col("status", "สถานะข้อมูล", 11,
                                                                        values=(*STATUS_SHORT_TH.values(), LATE_TH)))
# what a group row's figures leave out or flag (GroupSummary.notes and registered)
NOTE_TH = {"UNREGISTERED": "ไม่อยู่ในทะเบียนกลุ่ม",
           "ROUND1_INCOMPLETE": "3ก ครั้งที่ 1 ไม่ครบ: ไม่มีระดับ",
           "ROUND2_INCOMPLETE": "3ก ครั้งที่ 2 ไม่ครบ: ไม่มีระดับ"}
UNNAMED_GROUP = "(ไม่ระบุกลุ่ม)"

KSA1 = Report("กสอ.1", "กสอ.1 กลุ่ม สมาชิก การเข้าร่วมระยะที่ 1 และผลประเมิน 3ก ครั้งที่ 1 รายอำเภอ", (
    *_D,
    Col("groups", "กลุ่มใน\nทะเบียน", 9, INT), Col("members", "สมาชิก (คน)", 9, INT),
    Col("programme_groups", "กลุ่มใน\nโครงการ", 10, INT), Col("phase1", "เข้าร่วม\nระยะที่ 1 (คน)", 11, INT),
    Col("round1_assessed", "ประเมิน 3ก ครั้งที่ 1 (กลุ่ม)", 11, INT),
    Col("round1_mean", "คะแนน\nเฉลี่ย ครั้งที่ 1", 10, NUM, values=(SCORE,)),
    Col("r1_good", "ระดับดี", 8, INT), Col("r1_fair", "ระดับ\nปานกลาง", 12, INT),
    Col("r1_improve", "ระดับ\nปรับปรุง", 12, INT),
    Col("unknown_groups", "กลุ่มที่ไม่\nอยู่ใน\nทะเบียน", 10, INT), *_Q, _SRC), totals=True, key="KSA1")

KSA2 = Report("กสอ.2", "กสอ.2 ผลการประเมินตนเอง Smart Farmer และสถานะแผน IFPP รายอำเภอ", (
    *_D,
    Col("sf_model", "Smart Farmer ต้นแบบ", 14, INT), Col("sf_existing", "Smart Farmer ที่ผ่านเกณฑ์ (Existing)", 14, INT),
    Col("sf_developing", "Smart Farmer ที่ต้องพัฒนา (Developing)", 15, INT), Col("sf_total", "ประเมินแล้ว (คน)", 11, INT),
    Col("ifpp_complete", "IFPP ครบถ้วน", 11, INT), Col("ifpp_total", "IFPP ทั้งหมด", 11, INT),
    *_Q, Col("source", "ไฟล์ต้นทาง", 30)), totals=True, key="KSA2")

KSA3 = Report("กสอ.3", "กสอ.3 ผลการประเมิน 3ก ครั้งที่ 2 และการเปลี่ยนระดับ รายกลุ่ม", (
    *_D, Col("group", "กลุ่ม", 22), Col("category", "ประเภท", 7, INT, total=False),
    Col("round1", "คะแนน\nครั้งที่ 1", 9, NUM, total=False, values=(SCORE,)), Col("round1_level", "ระดับ\nครั้งที่ 1", 10),
    Col("round2", "คะแนน\nครั้งที่ 2", 9, NUM, total=False, values=(SCORE,)), Col("round2_level", "ระดับ\nครั้งที่ 2", 10),
    Col("change", "เปลี่ยน (ระดับ)", 8, INT, total=False), Col("goal_met", "บรรลุ\nเป้าหมาย", 9, values=GOAL_TH),
    Col("phase2", "ระยะที่ 2 (คน)", 8, INT),
    Col("phase2_sf", "ผ่าน SF และอบรม\nระยะที่ 2 (คน)", 11, INT), Col("seminar", "สัมมนา (คน)", 8, INT),
    Col("note", "หมายเหตุ", 18), _SRC), totals=True, key="KSA3")

# กสอ.3 is per group: the quality behind each district's rows in a block of its own below (no wider
# than กสอ.3's own columns: the sheet's column widths are shared)
KSA3_QUALITY = Report("กสอ.3", "ข้อผิดพลาดและคำเตือนเบื้องหลังตัวเลข รายอำเภอ", (
    *_D, Col("errors", "ข้อผิด\nพลาด", 9, INT), Col("warnings", "คำเตือน", 9, INT, span=2),
    Col("status", "สถานะข้อมูล", 11, span=2, values=(*STATUS_SHORT_TH.values(), LATE_TH))), key="KSA3Q")
# the round-1 and round-2 levels of กสอ.3's groups, counted (the chart's data)
LEVELS = Report("กสอ.3", "ระดับ 3ก ก่อนและหลัง (จำนวนกลุ่ม)", (
    Col("level", "ระดับ", 22, span=2), Col("round1", "ครั้งที่ 1 (กลุ่ม)", 9, INT), Col("round2", "ครั้งที่ 2 (กลุ่ม)", 9, INT,
                                                                                       span=2)), key="LEVELS")

# กสอ.4 is two tables per district (the five areas, then the money) on one column grid, so that each
# prints on one A4 width at a readable size; the province-level tables below reuse the same grid
KSA4 = Report("กสอ.4", "กสอ.4 การประเมินผลกิจกรรม: ตัวชี้วัด 5 ด้านและศูนย์เรียนรู้ต้นแบบ รายอำเภอ", (
    *_D, Col("evaluated", "สมาชิก\nที่ประเมิน (คน)", 13, INT),
    *(Col(f"kpi{k}", f"ด้านที่ {k} (คน)", 13, INT) for k in range(1, CAPABILITY_AREAS + 1)),
    Col("centres", "ศูนย์เรียนรู้\nต้นแบบ", 13, INT), *_Q, _SRC), totals=True, key="KSA4")

KSA4_BUDGET = Report("กสอ.4", "กสอ.4 (ต่อ) งบประมาณที่ใช้ รายอำเภอ", (
    *_D, Col("b_phase1", "งบระยะที่ 1 (บาท)", 13, NUM), Col("b_phase2", "งบระยะที่ 2 (บาท)", 13, NUM),
    Col("b_materials", "งบวัสดุ (บาท)", 13, NUM), Col("b_seminar", "งบสัมมนา (บาท)", 13, NUM),
    Col("b_total", "รวมใช้จ่าย (บาท)", 13, NUM),
    Col("b_materials_flagged", "วัสดุนอก\nกลุ่มต้นแบบ (บาท)", 26, NUM, span=2)), totals=True, key="KSA4B")

BUDGET = Report("กสอ.4", "งบประมาณที่ได้รับจัดสรรและที่ใช้ รายกิจกรรม (ระดับจังหวัด)", (
    Col("activity", "กิจกรรม", 22, span=2), Col("allocated", "จัดสรร (บาท)", 13, NUM),
    Col("used", "ใช้จ่าย (บาท)", 13, NUM), Col("balance", "คงเหลือ (บาท)", 13, NUM),
    Col("note", "หมายเหตุ", 39, span=3)), key="BUDGET")

KPI_PCT = Report("กสอ.4", "ร้อยละของสมาชิกที่ดำเนินกิจกรรมกลุ่มได้ 5 ด้าน (ระดับจังหวัด)", (
    Col("area", "ด้าน", 48, span=4), Col("capable", "ทำได้ (คน)", 13, INT), Col("evaluated", "ประเมิน (คน)", 13, INT),
    Col("percent", "ร้อยละ", 13, PCT)), key="KPI")

NEW_GROUPS_COUNT = Report("กลุ่มจัดตั้งใหม่", "กลุ่มส่งเสริมอาชีพการเกษตรที่จัดตั้งใหม่ (อนุมัติแล้ว) รายอำเภอ", (
    *_D, Col("new_groups", "กลุ่มจัดตั้งใหม่ (กลุ่ม)", 22, INT, span=2), Col("applicants", "ผู้ขอจัดตั้ง (คน)", 12, INT, span=2),
    Col("committee_complete", "คณะกรรมการครบ (กลุ่ม)", 16, INT, span=2), Col("source", "ไฟล์ต้นทาง", 29, span=4)),
    totals=True, key="NEWCOUNT")

NEW_GROUPS = Report("กลุ่มจัดตั้งใหม่", "รายชื่อกลุ่มที่จัดตั้งใหม่ (รายงานอำเภอถึงจังหวัด)", (
    *_D, Col("group", "ชื่อกลุ่ม", 22), Col("tambon", "ตำบล", 14), Col("main_activity", "กิจกรรมหลัก", 16),
    Col("applied", "วันที่\nยื่นคำขอ", 15, DATE),
    Col("certificate_no", "เลขที่\nใบรับรอง", 13, values=("5801/2564/01",)),  # a number on one line
    Col("certificate_date", "วันที่ออก\nใบรับรอง", 15, DATE), Col("applicants", "ผู้ขอจัดตั้ง (คน)", 10, INT),
    Col("committee_complete", "คณะกรรมการ\nครบ", 10, values=YES_NO_TH), _SRC,
    Col("row", "แถว (ชีต\nจัดตั้งกลุ่ม)", 9, INT)), key="NEWLIST")

COMPLETENESS = Report("ความครบถ้วน", "ความครบถ้วนและความทันเวลาของรายงานอำเภอ", (
    *_D, Col("status_th", "สถานะ", 18, values=tuple(STATUS_TH.values())), Col("report_date", "วันที่รายงาน", 15, DATE),
    Col("deadline", "กำหนดส่ง", 15, DATE), Col("late", "ล่าช้า", 9, values=LATE_VALUES_TH),
    Col("errors", "ข้อผิด\nพลาด", 8, INT),
    Col("warnings", "คำเตือน", 8, INT), Col("reason_th", "เหตุผล", 24), _SRC,
    Col("status", "รหัสสถานะ", 15, values=STATUSES), Col("reason", "รหัสเหตุผล", 20)), key="COMPLETENESS")

ISSUES = Report("ปัญหา", "ปัญหาที่พบในแบบฟอร์มของอำเภอ และการรวมรายงาน", (
    Col("district_code", "รหัส\nอำเภอ", 10, values=(DISTRICT_CODE,)), _SRC,
    Col("severity", "ความ\nรุนแรง", 11, values=tuple(SEVERITY_TH.values())), Col("sheet", "ชีต", 13),
    Col("cell", "เซลล์", 7), Col("message_th", "รายละเอียด", 70), Col("code", "รหัสปัญหา", 26)), key="ISSUES")

DUPLICATES = Report("บุคคลซ้ำ", "บุคคลที่อาจซ้ำกันระหว่างอำเภอ (เลขประจำตัวประชาชนเดียวกัน) — ให้เจ้าหน้าที่ตรวจสอบ", (
    Col("citizen_id", "เลขประจำตัวประชาชน", 20), *_D, Col("name", "ชื่อ-สกุล", 24), Col("group", "กลุ่ม", 28),
    Col("source", "ไฟล์ต้นทาง", 30)), key="DUPLICATES")

PROVENANCE = Report("ที่มา", "ที่มาของข้อมูล: ไฟล์ที่นำเข้า", (
    _SRC, Col("used", "นำมา\nรวม", 8, values=YES_NO_TH), Col("reason", "รหัสเหตุผล", 22), *_D,
    Col("size", "ขนาด (ไบต์)", 11, INT),
    Col("template_id", "แบบฟอร์ม", 24, values=(TEMPLATE_ID,)),
    Col("template_version", "รุ่น", 6, values=(TEMPLATE_VERSION,)),
    Col("mtime", "แก้ไขล่าสุด (เวลาประเทศไทย)", 22), Col("sha256", "ค่าตรวจสอบ (SHA-256)", 26, values=(SHA_LINE,)),
    Col("path", "ตำแหน่งไฟล์", 70)),
    key="PROVENANCE")

REPORTS = (KSA1, KSA2, KSA3, KSA3_QUALITY, LEVELS, KSA4, KSA4_BUDGET, BUDGET, KPI_PCT, NEW_GROUPS_COUNT, NEW_GROUPS,
           COMPLETENESS, ISSUES, DUPLICATES, PROVENANCE)
BANGKOK = dt.timezone(dt.timedelta(hours=7))  # Thailand's time, for the files' times in ที่มา
# A citizen ID in a message: 13 digits, bare or written 1-2345-67890-12-3 (spaces or dashes)
_ID_IN_TEXT = re.compile(r"(?<!\d)\d(?:[ -]?\d){12}(?!\d)")


def mask_ids_in(text: str) -> str:
    """Every citizen ID in ``text`` masked like บุคคลซ้ำ (PDPA: the provincial workbook and the command's
    output carry no full ID unless ``--full-ids``)."""
    return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)


def _status_th(d: DistrictStatus | None, *, short: bool = False) -> str:
    if d is None:
        return ""
    if short:
        return STATUS_SHORT_TH[d.status] + (LATE_TH if d.late else "")
    return STATUS_TH[d.status] + (" — ส่งล่าช้า" if d.late else "")



def _mask(text: str, full_ids: bool) -> str:
    return text if full_ids else mask_ids_in(text)


def _levels(c: Consolidation) -> tuple[str, ...]:
    return c.criteria.assessment.level_names


def report_rows(c: Consolidation, *, full_ids: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Rows of every report, keyed by the report's title."""
    crit = c.criteria
    levels = _levels(c)
    out: dict[str, list[dict[str, Any]]] = {r.title: [] for r in REPORTS}
    status = {d.file: d for d in c.districts if d.file}
    for f in c.used:
        base = {"district_code": f.district_code, "district": c.district_th(f.district_code), "source": f.name}
        quality = {"errors": f.errors, "warnings": f.warnings, "status": _status_th(status.get(f.name), short=True)}
        out[KSA3_QUALITY.title].append({**base, **quality})
        r1 = [g for g in f.groups if g.round1 is not None]
        row = {**base, **quality, "groups": f.registry_groups, "members": f.members,
               "programme_groups": len(f.registered_groups), "unknown_groups": len(f.unregistered_groups),
               "phase1": sum(g.phase1 for g in f.groups), "round1_assessed": len(r1),
               "round1_mean": round(sum(g.round1 or 0 for g in r1) / len(r1), 2) if r1 else None}
        for key, level in zip(("r1_good", "r1_fair", "r1_improve"), levels, strict=False):
            row[key] = sum(1 for g in r1 if g.round1_level == level)
        out[KSA1.title].append(row)
        sf = {k: sum(getattr(g, k) for g in f.groups) for k in ("sf_model", "sf_existing", "sf_developing",
                                                                  "ifpp_complete", "ifpp_total")}
        out[KSA2.title].append({**base, **quality, **sf,
                                "sf_total": sf["sf_model"] + sf["sf_existing"] + sf["sf_developing"]})
        for g in f.groups:
            notes = ([] if g.registered else ["UNREGISTERED"]) + list(g.notes)
            out[KSA3.title].append({**base, "group": g.name or UNNAMED_GROUP, "category": g.category,
                                    "round1": g.round1, "round1_level": g.round1_level, "round2": g.round2,
                                    "round2_level": g.round2_level, "change": g.change,
                                    "goal_met": None if g.goal_met is None else GOAL_TH[0 if g.goal_met else 1],
                                    "phase2": g.phase2, "phase2_sf": g.phase2_sf, "seminar": g.seminar,
                                    "note": "; ".join(NOTE_TH[n] for n in notes)})
        out[KSA4.title].append(ksa4 := {**base, **quality, "evaluated": f.kpi_evaluated,
                                "b_materials_flagged": f.materials_not_model,
                                **{f"kpi{k + 1}": n for k, n in enumerate(f.kpi_capable)},
                                "centres": f.learning_centres,
                                **{f"b_{a.code}": f.budget.get(a.code, 0.0) for a in crit.budget.activities},
                                "b_total": f.budget_total})
        out[KSA4_BUDGET.title].append(ksa4)
        # newly established groups (seed 004: the district reports them to the province)
        out[NEW_GROUPS_COUNT.title].append({
            **base, "new_groups": len(f.new_groups), "applicants": sum(a.applicants for a in f.new_groups),
            "committee_complete": sum(1 for a in f.new_groups if a.committee_complete)})
        for a in f.new_groups:
            out[NEW_GROUPS.title].append({
                **base, "group": a.name, "tambon": a.tambon, "main_activity": a.main_activity, "applied": a.applied,
                "certificate_no": a.certificate_no, "certificate_date": a.certificate_date,
                "applicants": a.applicants, "committee_complete": YES_NO_TH[0 if a.committee_complete else 1],
                "row": a.row})
    # province-level budget: an activity's allocation from the criteria (a province sets its own with
    # --criteria); materials default to cap × model groups (seed 000 §5.1.4)
    for act in crit.budget.activities:
        used = round(sum(f.budget.get(act.code, 0.0) for f in c.used), 2)
        allocated = act.allocation
        if allocated is None and act.code == "materials":
            allocated = crit.programme.materials_cap * crit.programme.model_groups
        out[BUDGET.title].append({
            "activity": act.name, "allocated": allocated, "used": used,
            "balance": None if allocated is None else round(allocated - used, 2),
            "note": "" if allocated is not None else "ยังไม่ได้กำหนดวงเงินจัดสรรในเกณฑ์ของจังหวัด"})
    before = Counter(r.get("round1_level") for r in out[KSA3.title])
    after = Counter(r.get("round2_level") for r in out[KSA3.title])
    out[LEVELS.title] = [{"level": level, "round1": before[level], "round2": after[level]} for level in levels]
    evaluated = sum(f.kpi_evaluated for f in c.used)
    for k, area in enumerate(crit.assessment.areas[:CAPABILITY_AREAS]):
        capable = sum(f.kpi_capable[k] for f in c.used if k < len(f.kpi_capable))
        out[KPI_PCT.title].append({"area": f"ด้านที่ {area.code} {area.name}", "capable": capable,
                                   "evaluated": evaluated,
                                   "percent": round(100.0 * capable / evaluated, 2) if evaluated else None})
    for d in c.districts:
        out[COMPLETENESS.title].append({
            "district_code": d.code, "district": d.name_th, "status": d.status, "status_th": _status_th(d),
            "report_date": d.report_date, "deadline": d.deadline,
            "late": None if d.late is None else LATE_VALUES_TH[0 if d.late else 1],
            "errors": d.errors if d.status not in ("missing", "unusable") else None,
            "warnings": d.warnings if d.status not in ("missing", "unusable") else None, "source": d.file,
            "reason": d.reason.code if d.reason else "",
            "reason_th": _mask(d.reason.message_th, full_ids) if d.reason else ""})
    for f in c.files:
        rows = list(f.issues)
        if f.path in c.left_out:
            rows.insert(0, c.left_out[f.path])
        for i in rows:
            out[ISSUES.title].append({"district_code": f.district_code, "source": f.name,
                                      "severity": SEVERITY_TH.get(i.severity, i.severity),
                                      "code": i.code, "sheet": i.sheet, "cell": i.cell,
                                      "message_th": _mask(i.message_th, full_ids),
                                      "message_en": _mask(i.message_en, full_ids)})
    for dup in c.duplicates:
        out[DUPLICATES.title].append({
            "citizen_id": format_id(dup.citizen_id) if full_ids else mask_id(dup.citizen_id),
            "district_code": dup.district_code, "district": dup.district_th, "name": dup.name, "group": dup.group,
            "source": dup.file})
    used_paths = {f.path for f in c.used}
    for f in c.files:
        reason = (f.fatal.code if f.fatal else c.left_out[f.path].code if f.path in c.left_out
                  else "" if f.path in used_paths else next((d.status for d in c.districts if d.file == f.name), ""))
        out[PROVENANCE.title].append({
            "source": f.name, "used": YES_NO_TH[0 if f.path in used_paths else 1], "reason": reason,
            "district_code": f.district_code, "district": c.district_th(f.district_code) if f.district_code else "",
            "size": f.size, "sha256": f.sha256, "template_id": f.template_id, "template_version": f.template_version,
            "mtime": _be_time(f.mtime) if f.mtime else "",
            "path": f.path})
    return out


def _be_time(timestamp: float) -> str:
    """A file time as Thailand's local date and time, Buddhist era: 30/09/2564 23:00."""
    t = dt.datetime.fromtimestamp(timestamp, BANGKOK)
    return f"{t.day:02d}/{t.month:02d}/{t.year + 543} {t:%H:%M}"


def totals_note(c: Consolidation) -> str:
    """The line under every กสอ. total: what the totals include (errors) or leave out (--exclude-errors)."""
    notes = []
    if c.errors_counted:
        notes.append(f"รวมข้อมูลที่ยังมีข้อผิดพลาด {c.errors_counted} รายการ — ดูชีตปัญหา")
    if c.exclude_errors:
        held = [d.code for d in c.districts if d.status == "errors"]
        listed = ", ".join(held) or "-"
        notes.append(f"ไม่รวมอำเภอที่มีข้อผิดพลาดในยอดรวม (ตามที่สั่งให้ตัดออก): {listed}")
    return "; ".join(notes)


def targets(c: Consolidation) -> dict[str, dict[str, Any]]:
    """Target rows per report title (the programme's per-province targets)."""
    t = c.criteria.programme
    return {KSA1.title: {"district": TARGET_LABEL, "programme_groups": t.groups,
                         "phase1": t.groups * t.members_phase1_per_group, "round1_assessed": t.groups},
            KSA2.title: {"district": TARGET_LABEL, "sf_total": t.groups * t.members_phase1_per_group,
                         "ifpp_total": t.groups * t.members_phase1_per_group},
            KSA4.title: {"district": TARGET_LABEL, "evaluated": t.groups * t.members_seminar_per_group,
                         "centres": t.model_groups}}
