"""The FY programme sheets of the district workbook, laid out from the fiscal year's criteria.

The 3ก indicators and the Smart Farmer indicators are data (criteria file), so the columns of those
sheets are made from the criteria: one column per indicator, with the area (or qualification) as a
band above the headers.  Everything else about a column is declared as for the registry sheets.
"""

from __future__ import annotations

from functools import cache

from kaset_xl.criteria import Criteria
from kaset_xl.workbook.spec import BE_HINT, FISCAL_WINDOW, WHOLE_OR_FRACTION, ColType, Column, Table

__all__ = ["programme_tables", "programme_lists", "assessment_key", "sf_key", "capable_key", "CATEGORY_CHOICES",
           "ROUND_CHOICES", "CAPABILITY_AREAS"]

CATEGORY_CHOICES = ("1", "2")
ROUND_CHOICES = ("1", "2")
CAPABILITY_AREAS = 5
PROGRAMME_HEADER_ROW = 5  # title, subtitle, note, band row, header


def assessment_key(code: str) -> str:
    return "a_" + code.replace(".", "_")


@cache
def sf_key(code: str) -> str:
    return "sf_" + code.replace(".", "_")


def capable_key(area: int) -> str:
    return f"capable_{area}"


def _sum_formula(first: str, last: str) -> str:
    rng = "{%s}{row}:{%s}{row}" % (first, last)
    return f'=IF(COUNT({rng})=0,"",SUM({rng}))'


def programme_lists(crit: Criteria) -> dict[str, tuple[str, ...]]:
    """Dropdown lists that come from the criteria."""
    return {
        "category": CATEGORY_CHOICES,
        "round": ROUND_CHOICES,
        "activity": tuple(a.name for a in crit.budget.activities),
        "rate_item": tuple(dict.fromkeys(r.item for r in crit.budget.rates)),
    }


def programme_tables(crit: Criteria) -> tuple[Table, ...]:
    C, T = Column, ColType
    provisional = " • เกณฑ์ชั่วคราว (provisional criteria)" if crit.provisional else ""
    member_key = (
        C("citizen_id", "เลขประจำตัวประชาชน", "Citizen ID", T.CITIZEN_ID, required=True, width=14,
          hint="เลข 13 หลักของสมาชิกในชีตสมาชิก"),
        C("name", "ชื่อ-สกุล", "Name", T.TEXT, width=19, hint="เพื่อความสะดวกในการอ่าน (ไม่บังคับ)"),
    )

    selection = Table(
        key="selection", sheet="คัดเลือกกลุ่ม", title="การคัดเลือกกลุ่มเข้าร่วมโครงการ (ข้อ 5.1.1)",
        capacity=50, header_row=PROGRAMME_HEADER_ROW,
        note="ประเภท 1 = กลุ่มพัฒนาสู่ Smart Group • ประเภท 2 = กลุ่มพัฒนาการบริหารจัดการกลุ่มขั้นพื้นฐาน" + provisional,
        columns=(
            C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False),
            C("group", "ชื่อกลุ่ม", "Group", T.GROUP, required=True, choices="group", width=21),
            C("category", "ประเภทการคัดเลือก", "Selection category", T.INT, required=True, choices="category",
              width=8, hint="1 = พัฒนาสู่ Smart Group, 2 = พัฒนาการบริหารจัดการกลุ่ม"),
            C("past_programme_years", "ปีที่เคยเข้าร่วมโครงการพัฒนาศักยภาพองค์กรเกษตรกร", "Past programme years",
              T.TEXT, width=14, hint="ปี พ.ศ. คั่นด้วยจุลภาค เช่น 2561, 2562"),
            C("smart_farmer_years", "ปีที่เคยเข้าร่วมโครงการ Smart Farmer", "Smart Farmer programme years",
              T.TEXT, width=14, hint="ปี พ.ศ. คั่นด้วยจุลภาค เช่น 2562"),
            C("past_level", "ระดับ 3ก ครั้งล่าสุด", "Last 3ก level", T.CHOICE, choices="level", width=8),
            C("smart_group", "ผ่านการประเมินเป็น Smart Group แล้ว", "Already Smart Group", T.YESNO,
              choices="yesno", width=12),
            C("smart_group_model", "ผ่านการประเมินเป็น Smart Group Model แล้ว", "Already Smart Group Model",
              T.YESNO, choices="yesno", width=12),
            C("learning_centre", "พัฒนาเป็นศูนย์เรียนรู้ต้นแบบ", "Model learning centre", T.YESNO,
              choices="yesno", width=9),
            C("result", "ผลการคัดเลือก (คำนวณ)", "Eligibility (computed)", T.TEXT, width=22, computed="result"),
        ),
    )

    a_cols: list[Column] = [
        C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False),
        C("group", "ชื่อกลุ่ม", "Group", T.GROUP, required=True, choices="group", width=20),
        C("round", "ครั้งที่ประเมิน", "Round", T.INT, required=True, choices="round", width=6,
          hint="1 = ก่อนเข้าร่วมโครงการ, 2 = หลังสัมมนาเครือข่าย"),
        C("date", "วันที่ประเมิน", "Assessment date", T.DATE, required=True, width=10, hint=BE_HINT,
          date_rule=FISCAL_WINDOW),
        C("assessor", "ผู้ประเมิน", "Assessor", T.TEXT, width=12),
    ]
    for area in crit.assessment.areas:
        band = f"ด้านที่ {area.code} {area.name} ({area.points:g} คะแนน)"
        # 10 4/7 characters (74 pixels: a width the file stores exactly; 12 under an area of one or two): the
        # headers wrap to 5 lines and the band labels to 4 at most, not 6 and 5 at 9: the band and header rows
        # take 247 pt, not 300, and a page holds 16 rows, not 14 (fy2564's three pages side by side keep their
        # breaks)
        width = 12.0 if len(area.indicators) <= 2 else 74 / 7
        for ind in area.indicators:
            a_cols.append(C(assessment_key(ind.code), f"{ind.code} {ind.name} ({ind.points:g} คะแนน)",
                            f"Indicator {ind.code}",
                            T.NUMBER, width=width, low=0, high=ind.points, band=band,
                            hint=f"คะแนน 0–{ind.points:g}"))
    for area in crit.assessment.areas:
        keys = [assessment_key(i.code) for i in area.indicators]
        a_cols.append(C(f"area_{area.code}", f"รวมด้านที่ {area.code}", f"Area {area.code} subtotal", T.NUMBER,
                        width=7, computed="formula", formula=_sum_formula(keys[0], keys[-1]), band="ผลรวม"))
    first_sub, last_sub = f"area_{crit.assessment.areas[0].code}", f"area_{crit.assessment.areas[-1].code}"
    a_cols.append(C("total", "คะแนนรวม", "Total", T.NUMBER, width=8, computed="formula",
                    formula=_sum_formula(first_sub, last_sub), band="ผลรวม"))
    a_cols.append(C("level", "ระดับ (คำนวณ)", "Level (computed)", T.TEXT, width=8, computed="result",
                    band="ผลรวม"))
    assessment = Table(
        key="assessment", sheet="ประเมิน 3ก", title="ผลการประเมินศักยภาพกลุ่ม (3ก) ครั้งที่ 1 และ 2",
        capacity=100, header_row=PROGRAMME_HEADER_ROW, columns=tuple(a_cols),
        note=f"คะแนนเต็ม {crit.assessment.max_score:g} • ระดับ: " + ", ".join(
            f"{lv.name} ≥ {lv.min_score:g}" for lv in crit.assessment.levels) + provisional,
    )

    sf_cols: list[Column] = [
        C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False), *member_key,
        C("date", "วันที่ประเมินตนเอง", "Self-assessment date", T.DATE, width=10, hint=BE_HINT,
          date_rule=FISCAL_WINDOW),
        C("income", "รายได้ภาคเกษตรของครัวเรือน (บาท/ปี)", "Household farm income (baht/yr)", T.NUMBER,
          required=True, width=12, low=0,
          hint=f"เกณฑ์ {crit.smart_farmer.income_threshold:,.0f} บาทต่อครัวเรือนต่อปี"),
    ]
    for q in crit.smart_farmer.qualifications:
        band = f"{q.code}. {q.name}"
        for sf_ind in q.indicators:
            sf_cols.append(C(sf_key(sf_ind.code), f"{sf_ind.code} {sf_ind.name}", f"Indicator {sf_ind.code}",
                             T.YESNO, choices="yesno", width=10, band=band, hint="ใช่ = ผ่านตัวชี้วัดนี้"))
    sf_cols.append(C("sf_class", "ระดับ Smart Farmer (คำนวณ)", "Smart Farmer class (computed)", T.TEXT,
                     width=22, computed="result"))  # "Developing Smart Farmer" on one line
    smart_farmer = Table(
        key="smart_farmer", sheet="Smart Farmer", title="การประเมินตนเองตามคุณสมบัติ Smart Farmer",
        capacity=2000, header_row=PROGRAMME_HEADER_ROW, columns=tuple(sf_cols),
        note="ใช่ = ผ่านตัวชี้วัด • " + f"รายได้ขั้นต่ำ {crit.smart_farmer.income_threshold:,.0f} บาท/ครัวเรือน/ปี"
             + provisional,
    )

    ifpp = Table(
        key="ifpp", sheet="IFPP", title="แผนการผลิตรายบุคคล (IFPP)", capacity=2000,
        header_row=PROGRAMME_HEADER_ROW, note="หนึ่งแถวต่อสมาชิกหนึ่งคน เชื่อมโยงกับกิจกรรมของกลุ่ม",
        columns=(
            C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False), *member_key,
            C("goal", "เป้าหมาย", "Goal", T.TEXT, width=15),
            C("production", "แผนการผลิต", "Production", T.TEXT, width=15),
            C("marketing", "แผนการตลาด", "Marketing", T.TEXT, width=14),
            C("management", "การบริหารจัดการ", "Management", T.TEXT, width=14),
            C("social_env", "สังคมและสิ่งแวดล้อม", "Social/environment", T.TEXT, width=14),
            C("cost", "ต้นทุน (บาท)", "Cost (baht)", T.NUMBER, width=10, low=0),
            C("revenue", "รายได้ (บาท)", "Revenue (baht)", T.NUMBER, width=10, low=0),
            C("profit", "กำไร (บาท)", "Profit (baht)", T.NUMBER, width=10, computed="formula",
              formula='=IF(OR({cost}{row}="",{revenue}{row}=""),"",{revenue}{row}-{cost}{row})'),
            C("contingency", "แผนสำรอง", "Contingency plan", T.TEXT, width=14),
            C("linked_activity", "กิจกรรมกลุ่มที่เชื่อมโยง", "Linked group activity", T.TEXT, width=14),
            C("status", "ความครบถ้วน (คำนวณ)", "Completeness (computed)", T.TEXT, width=16, computed="result"),
        ),
    )

    part_cols: list[Column] = [
        C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False), *member_key,
        C("phase1", "เข้าร่วมระยะที่ 1", "Phase 1", T.YESNO, choices="yesno", width=7, band="การเข้าร่วมกิจกรรม"),
        C("phase1_date", "วันที่ระยะที่ 1", "Phase 1 date", T.DATE, width=10,
          band="การเข้าร่วมกิจกรรม", date_rule=FISCAL_WINDOW),
        C("phase2", "เข้าร่วมระยะที่ 2", "Phase 2", T.YESNO, choices="yesno", width=7, band="การเข้าร่วมกิจกรรม"),
        C("phase2_date", "วันที่ระยะที่ 2", "Phase 2 date", T.DATE, width=10,
          band="การเข้าร่วมกิจกรรม", date_rule=FISCAL_WINDOW),
        C("seminar", "เข้าร่วมสัมมนาเครือข่าย", "Seminar", T.YESNO, choices="yesno", width=7,
          band="การเข้าร่วมกิจกรรม"),
        C("seminar_date", "วันที่สัมมนา", "Seminar date", T.DATE, width=10,
          band="การเข้าร่วมกิจกรรม", date_rule=FISCAL_WINDOW),
    ]
    for k, area in enumerate(crit.assessment.areas[:CAPABILITY_AREAS], start=1):
        part_cols.append(C(capable_key(k), f"ทำได้ด้านที่ {k}", f"Capable in area {k}", T.YESNO, choices="yesno",
                           width=7, band="สามารถดำเนินกิจกรรมกลุ่มได้ (ตัวชี้วัดโครงการ)", hint=area.name[:200]))
    participation = Table(
        key="participation", sheet="การเข้าร่วม", title="การเข้าร่วมกิจกรรมของสมาชิก (ข้อ 5.1.2–5.1.5)",
        capacity=2000, header_row=PROGRAMME_HEADER_ROW, columns=tuple(part_cols),
        note="ระยะที่ 2 เฉพาะผู้เข้าร่วมระยะที่ 1 ที่ผ่านเกณฑ์ Smart Farmer • สัมมนาเฉพาะผู้เข้าร่วมระยะที่ 2 • "
             + " • ".join(f"ด้านที่ {k} {area.name}" for k, area in
                          enumerate(crit.assessment.areas[:CAPABILITY_AREAS], start=1)),
    )

    budget = Table(
        key="budget", sheet="งบประมาณ", title="รายการงบประมาณตามกิจกรรม", capacity=300,
        header_row=PROGRAMME_HEADER_ROW,
        note=f"วัสดุการเกษตรเฉพาะกลุ่มต้นแบบ ไม่เกิน {crit.programme.materials_cap:,.0f} บาทต่อกลุ่ม" + provisional,
        columns=(
            C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False),
            C("activity", "กิจกรรม", "Activity", T.CHOICE, required=True, choices="activity", width=15),
            C("group", "ชื่อกลุ่ม", "Group", T.GROUP, choices="group", width=18,
              hint="ต้องระบุสำหรับวัสดุการเกษตร"),
            C("date", "วันที่", "Date", T.DATE, width=10, hint=BE_HINT, date_rule=FISCAL_WINDOW),
            C("item", "รายการ", "Item", T.CHOICE, required=True, choices="rate_item", strict=False, width=22,
              hint="เลือกจากอัตราที่กำหนด หรือพิมพ์รายการอื่น"),
            C("quantity", "จำนวน", "Quantity", T.NUMBER, required=True, width=8, low=0,
              num_format=WHOLE_OR_FRACTION),
            C("unit", "หน่วย", "Unit", T.TEXT, width=8),
            C("unit_price", "ราคาต่อหน่วย (บาท)", "Unit price (baht)", T.NUMBER, required=True, width=10, low=0),
            C("amount", "จำนวนเงิน (บาท)", "Amount (baht)", T.NUMBER, width=11, computed="formula",
              formula='=IF(OR({quantity}{row}="",{unit_price}{row}=""),"",ROUND({quantity}{row}*{unit_price}{row},2))'),
            C("note", "หมายเหตุ", "Note", T.TEXT, width=14),
        ),
    )
    return (selection, assessment, smart_farmer, ifpp, participation, budget)
