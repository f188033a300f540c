"""The group-establishment sheets of the district workbook (seed 004, issue 6).

Seed 004: ten or more people apply to the district agriculture officer with five documents and the
group's regulations; the tambon officer (นสว.ประจำตำบล) checks them; the district officer issues the
establishment certificate.  One row per application in "จัดตั้งกลุ่ม", one row per applicant in
"ผู้ขอจัดตั้ง".  The column keys are a contract: the rules (:mod:`kaset_xl.domain.establish`), the
certificate and the provincial report use them.  The sheets came with template version 1.1; a 1.0
workbook has none and reads as having no applications.
"""

from __future__ import annotations

from kaset_xl.workbook.spec import BE_HINT, MEMBERS, ColType, Column, Table

__all__ = ["establish_tables", "establish_lists", "DECISIONS", "APPROVED", "REJECTED", "PENDING",
           "REGULATION_BAND", "DOCUMENT_BAND", "ESTABLISH_SINCE", "ESTABLISH_HEADER_ROW"]

APPROVED, REJECTED, PENDING = "อนุมัติ", "ไม่อนุมัติ", "รอพิจารณา"
DECISIONS = (APPROVED, REJECTED, PENDING)
REGULATION_BAND = "ระเบียบกลุ่ม"
DOCUMENT_BAND = "เอกสารประกอบคำขอ"
ESTABLISH_SINCE = "1.1"  # the template version that introduced these sheets
ESTABLISH_HEADER_ROW = 5  # title, subtitle, note, band row, header


def establish_lists() -> dict[str, tuple[str, ...]]:
    return {"decision": DECISIONS}


def establish_tables() -> tuple[Table, ...]:
    C, T = Column, ColType

    def yes_no(key: str, header: str, header_en: str, band: str, width: float) -> Column:
        """A topic of the regulations or a document: ใช่ = it is there."""
        return C(key, header, header_en, T.YESNO, choices="yesno", width=width, band=band, hint="ใช่ = มีแล้ว")

    establish = Table(
        key="establish", sheet="จัดตั้งกลุ่ม", title="คำขอจัดตั้งกลุ่มส่งเสริมอาชีพการเกษตร",
        capacity=50, header_row=ESTABLISH_HEADER_ROW, since=ESTABLISH_SINCE,
        note="หนึ่งแถวต่อหนึ่งคำขอ • ผู้ขอจัดตั้ง 10 คนขึ้นไป กรอกในชีตผู้ขอจัดตั้ง • "
             "คณะกรรมการอย่างน้อย 3 คน (ประธาน เลขานุการ เหรัญญิก)",
        columns=(
            C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False),
            C("name", "ชื่อกลุ่มที่ขอจัดตั้ง", "Proposed group name", T.TEXT, required=True, width=21,
              hint="ขึ้นต้นด้วยคำว่า “กลุ่ม” ตามด้วยกิจกรรมหรือวัตถุประสงค์ เช่น กลุ่มปลูกผัก"),
            C("house_no", "เลขที่", "House no.", T.TEXT, width=6),
            C("moo", "หมู่ที่", "Moo", T.INT, width=5, low=1, high=99),
            C("tambon", "ตำบล", "Tambon", T.TAMBON, required=True, choices="tambon", width=10),
            C("main_activity", "กิจกรรมหลัก", "Main activity", T.TEXT, required=True, width=14),
            C("applied", "วันที่ยื่นคำขอ", "Application date", T.DATE, required=True, width=10, hint=BE_HINT),
            yes_no("reg_shares", "การระดมหุ้น", "Raising shares", REGULATION_BAND, 7),
            yes_no("reg_activities", "การดำเนินกิจกรรม", "Activities", REGULATION_BAND, 7),
            yes_no("reg_money", "การจัดการเงินทุน", "Money and capital", REGULATION_BAND, 7),
            yes_no("reg_membership", "การรับสมาชิกและการลาออก", "Admitting and resigning members", REGULATION_BAND, 8),
            yes_no("reg_election", "การเลือกตั้งคณะกรรมการ", "Electing the committee", REGULATION_BAND, 8),
            yes_no("reg_term", "วาระการอยู่ในตำแหน่ง", "Terms of office", REGULATION_BAND, 7),
            yes_no("reg_leaving", "การพ้นจากตำแหน่ง", "Leaving office", REGULATION_BAND, 7),
            yes_no("doc_request", "หนังสือคำขอใบรับรอง (แบบฟอร์มกรมฯ)", "DOAE request form", DOCUMENT_BAND, 10),
            yes_no("doc_regulations", "ข้อบังคับหรือข้อตกลงของกลุ่ม", "Regulations", DOCUMENT_BAND, 10),
            yes_no("doc_committee", "รายชื่อคณะกรรมการ", "Committee list", DOCUMENT_BAND, 8),
            yes_no("doc_members", "บัญชีรายชื่อสมาชิก", "Member list", DOCUMENT_BAND, 8),
            yes_no("doc_plan", "แผนงาน/กิจกรรม", "Plan/activities", DOCUMENT_BAND, 8),
            C("checker", "ผู้ตรวจสอบ (นสว.ประจำตำบล)", "Checked by (tambon officer)", T.TEXT, width=14,
              band="การตรวจสอบเอกสาร"),
            C("checked", "วันที่ตรวจสอบ", "Check date", T.DATE, width=10, hint=BE_HINT,
              band="การตรวจสอบเอกสาร"),
            C("check_remarks", "ความเห็นผู้ตรวจสอบ", "Check remarks", T.TEXT, width=15,
              band="การตรวจสอบเอกสาร"),
            C("decision", "ผลการพิจารณา", "Decision", T.CHOICE, choices="decision", width=9,
              band="การพิจารณาของเกษตรอำเภอ"),
            C("certificate_no", "เลขที่ใบรับรอง", "Certificate no.", T.TEXT, width=13,
              band="การพิจารณาของเกษตรอำเภอ", hint="ไม่ซ้ำกับเลขที่ใบรับรองอื่นในอำเภอ"),
            C("certificate_date", "วันที่ออกใบรับรอง", "Certificate date", T.DATE, width=10, hint=BE_HINT,
              band="การพิจารณาของเกษตรอำเภอ"),
            C("approver", "ผู้ออกใบรับรอง (เกษตรอำเภอ)", "Issued by (district officer)", T.TEXT, width=14,
              band="การพิจารณาของเกษตรอำเภอ"),
            C("approver_position", "ตำแหน่งผู้ออกใบรับรอง", "Issuer's position", T.TEXT, width=14,
              band="การพิจารณาของเกษตรอำเภอ"),
        ),
    )
    applicants = Table(
        key="applicants", sheet="ผู้ขอจัดตั้ง", title="รายชื่อผู้ขอจัดตั้งกลุ่มและคณะกรรมการ",
        capacity=1000, since=ESTABLISH_SINCE,
        note="หนึ่งแถวต่อหนึ่งคน • เลือกชื่อกลุ่มจากชีตจัดตั้งกลุ่ม • ตำแหน่ง: สมาชิก หรือตำแหน่งกรรมการ",
        columns=(
            C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False),
            C("group", "ชื่อกลุ่มที่ขอจัดตั้ง", "Proposed group", T.TEXT, required=True, choices="new_group",
              width=20, hint="เลือกจากชื่อกลุ่มในชีตจัดตั้งกลุ่ม"),
            # the person columns are the members sheet's own: the same headers, types and checks
            *(MEMBERS.column(k) for k in ("title", "first_name", "last_name", "citizen_id", "birth_date",
                                          "house_no", "moo", "tambon", "phone", "farmer_id", "role",
                                          "main_activity", "area_rai")),
        ),
    )
    return (establish, applicants)
