"""Write ``bad-establish.xlsx`` and, beside it, the issues it must give (``bad-establish.expected.json``).

    python tests/golden/make_golden_establish.py          # rewrites the committed golden here
    make_golden_establish(folder)                          # the same files into another folder

A Pai (5803) FY2564 workbook whose registry is clean (one group, 10 members) and whose establishment
sheets (จัดตั้งกลุ่ม, ผู้ขอจัดตั้ง) carry every establishment code of ``kaset_xl/messages.toml`` at a
known cell, the pending (warning) and the approved (error) variant of each completeness rule, and the
member rules reused for applicants.  Validated with ``today = TODAY``.

The expected file is the plan, written here by hand next to each planted value — not the validator's
output.  Each entry is one planted problem (code, sheet, cell) that must be reported exactly once, and
nothing else may be reported (ESTABLISH_COMMITTEE_ROLE_MISSING_APPROVED is planted twice at one cell:
two roles missing).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # this folder is not a package

from golden_common import CREATED, GOLDEN_DIR, TODAY, Expected, Plan, Row, write_golden  # noqa: E402
from golden_common import citizen_id as _person_id  # noqa: E402
from kaset_xl.workbook.builder import WorkbookData  # noqa: E402

__all__ = ["TODAY", "NAME", "make_golden_establish", "bad_establish"]

NAME = "bad-establish"
DISTRICT = "5803"

# Sheet names, first data rows and column letters as the officer sees them (written out, not taken
# from the layout).
ESTABLISH = "จัดตั้งกลุ่ม"  # header on row 5 (band row 4), data from row 6
APPLICANTS = "ผู้ขอจัดตั้ง"  # header on row 4, data from row 5
ESTABLISH_FIRST_ROW = 6
APPLICANTS_FIRST_ROW = 5
REGISTRY_FIRST_ROW = 5
# จัดตั้งกลุ่ม: B name, E tambon, H–N regulation topics, O–S documents, T checker, U checked,
# W decision, X certificate no., Y certificate date, Z approver
REG = dict(zip(["reg_shares", "reg_activities", "reg_money", "reg_membership", "reg_election", "reg_term",
                "reg_leaving"], "HIJKLMN", strict=True))
DOC = dict(zip(["doc_request", "doc_regulations", "doc_committee", "doc_members", "doc_plan"], "OPQRS", strict=True))
# ผู้ขอจัดตั้ง: B group, D first name, F citizen ID, J tambon, M role

YES, NO = "ใช่", "ไม่ใช่"
APPROVED, REJECTED, PENDING = "อนุมัติ", "ไม่อนุมัติ", "รอพิจารณา"
PAI_TAMBON = "เวียงใต้"
REGISTRY_GROUP = "กลุ่มปลูกกาแฟบ้านสันติชล"
REGISTRY_CERT = "5803/2558/01"
FIRST = ["สมชาย", "บัวคำ", "ประเสริฐ", "มะลิ", "ส่างคำ", "นวลจันทร์", "วิชัย", "สุดา", "คำแสน", "บุษบา",
         "ณรงค์", "อำไพ", "อานนท์", "ผ่องศรี", "จะแฮ", "หน่อคำ"]
LAST = ["ใจดี", "แสนคำ", "ดอยสูง", "คำแก้ว", "ไตรรัตน์", "จันทร์หอม", "ปัญญาดี", "ศรีวิชัย", "ลุงตา", "ทองคำ"]
COMMITTEE = ["ประธาน", "เลขานุการ", "เหรัญญิก"]



def citizen_id(n: int, first: str = "3") -> str:
    return _person_id(n, first)


class _Plan(Plan):
    first_rows = {"establish": ESTABLISH_FIRST_ROW, "applicants": APPLICANTS_FIRST_ROW}
    default_first_row = REGISTRY_FIRST_ROW

    def __init__(self) -> None:
        super().__init__()
        self.people = 0

    def application(self, name: str, decision: str | None, **over: Any) -> int:
        row: Row = {"name": name, "house_no": "7", "moo": 2, "tambon": PAI_TAMBON, "main_activity": "ปลูกพืช",
                    "applied": dt.date(2021, 1, 11), **{k: YES for k in (*REG, *DOC)},
                    "checker": "นายตรวจ ละเอียด", "checked": dt.date(2021, 1, 25), "check_remarks": "ครบถ้วน",
                    "decision": decision}
        if decision == APPROVED:
            row |= {"certificate_date": dt.date(2021, 2, 5), "approver": "นายอนุมัติ ใจกว้าง",
                    "approver_position": "เกษตรอำเภอปาย"}
        return self.add("establish", row | over)

    def applicant(self, group: str, role: str = "สมาชิก", **over: Any) -> int:
        self.people += 1
        n = self.people
        row: Row = {"group": group, "title": "นาย" if n % 2 else "นาง", "first_name": FIRST[n % len(FIRST)],
                    "last_name": LAST[n // len(FIRST) % len(LAST)] + ("" if n < 160 else "วงศ์"),
                    "citizen_id": citizen_id(n, "1"), "birth_date": dt.date(1960 + n % 35, 1 + n % 12, 1 + n % 28),
                    "house_no": str(n), "moo": 1 + n % 9, "tambon": PAI_TAMBON, "phone": f"08{n:08d}",
                    "farmer_id": f"5803{n:08d}", "role": role, "main_activity": "ปลูกพืช", "area_rai": 4.0}
        return self.add("applicants", row | over)

    def applicants(self, group: str, count: int, roles: list[str] = COMMITTEE) -> list[int]:
        return [self.applicant(group, roles[i] if i < len(roles) else "สมาชิก") for i in range(count)]


def bad_establish() -> tuple[WorkbookData, Expected]:
    p = _Plan()

    # ---------------------------------------------------------------- registry (clean)
    p.add("groups", {"name": REGISTRY_GROUP, "house_no": "12", "moo": 3, "tambon": PAI_TAMBON,
                     "phone": "0912345678", "established": dt.date(2015, 1, 10), "certificate_no": REGISTRY_CERT,
                     "member_count": 10, "community_enterprise": NO, "main_activity": "ปลูกกาแฟ", "level": "ปานกลาง",
                     "lat": 19.36, "lon": 98.44})
    for i in range(10):
        p.add("members", {"group": REGISTRY_GROUP, "title": "นาย", "first_name": FIRST[i], "last_name": "ทดสอบ",
                          "citizen_id": citizen_id(i + 1), "tambon": PAI_TAMBON,
                          "role": (COMMITTEE + ["สมาชิก"] * 7)[i], "join_date": dt.date(2016, 5, 1), "consent": YES})

    # ---------------------------------------------------------------- applications (จัดตั้งกลุ่ม)
    e1 = "กลุ่มปลูกถั่วลายเสือ"
    p.application(e1, APPROVED, certificate_no="5803/2564/01")  # clean: the reference for reuse below

    e2 = "กลุ่มเพาะเห็ดฟาง"
    r = p.application(e2, PENDING, doc_plan=NO, reg_term=None)
    p.plant("ESTABLISH_TOO_FEW_APPLICANTS", ESTABLISH, f"B{r}")      # 9 applicants, pending
    p.plant("ESTABLISH_DOCUMENT_MISSING", ESTABLISH, f"{DOC['doc_plan']}{r}")
    p.plant("ESTABLISH_REGULATION_MISSING", ESTABLISH, f"{REG['reg_term']}{r}")

    e3 = "กลุ่มแปรรูปกล้วยตาก"
    r = p.application(e3, APPROVED, certificate_no="5803/2564/02", doc_members=NO, reg_shares=None,
                      certificate_date=dt.date(2021, 1, 20))
    p.plant("ESTABLISH_TOO_FEW_APPLICANTS_APPROVED", ESTABLISH, f"B{r}")     # 8 applicants
    p.plant("ESTABLISH_COMMITTEE_TOO_SMALL_APPROVED", ESTABLISH, f"B{r}")    # ประธาน, กรรมการ
    p.plant("ESTABLISH_COMMITTEE_ROLE_MISSING_APPROVED", ESTABLISH, f"B{r}")  # no เลขานุการ
    p.plant("ESTABLISH_COMMITTEE_ROLE_MISSING_APPROVED", ESTABLISH, f"B{r}")  # no เหรัญญิก
    p.plant("ESTABLISH_DOCUMENT_MISSING_APPROVED", ESTABLISH, f"{DOC['doc_members']}{r}")
    p.plant("ESTABLISH_REGULATION_MISSING_APPROVED", ESTABLISH, f"{REG['reg_shares']}{r}")
    p.plant("ESTABLISH_CERTIFICATE_BEFORE_CHECK", ESTABLISH, f"Y{r}")        # 20/1 before the check 25/1

    e4 = "ปลูกผักปลอดภัย"
    r = p.application(e4, PENDING)
    p.plant("ESTABLISH_NAME_PREFIX", ESTABLISH, f"B{r}")
    p.plant("ESTABLISH_COMMITTEE_ROLE_MISSING", ESTABLISH, f"B{r}")         # ประธาน, เลขานุการ, กรรมการ

    e5 = "กลุ่มเลี้ยงไก่พื้นเมือง"
    r = p.application(e5, APPROVED, checker=None, certificate_date=None, approver=None)
    p.plant("ESTABLISH_CHECK_MISSING", ESTABLISH, f"T{r}")
    p.plant("ESTABLISH_CERTIFICATE_MISSING", ESTABLISH, f"X{r}")
    p.plant("ESTABLISH_CERTIFICATE_MISSING", ESTABLISH, f"Y{r}")
    p.plant("ESTABLISH_CERTIFICATE_MISSING", ESTABLISH, f"Z{r}")

    e6 = "กลุ่มปลูกสตรอว์เบอร์รี"
    r = p.application(e6, APPROVED, certificate_no=REGISTRY_CERT)
    p.plant("CERTIFICATE_NO_REUSED", ESTABLISH, f"X{r}")                    # the registry group's number

    e7 = "กลุ่มทอผ้ากะเหรี่ยง"
    r = p.application(e7, APPROVED, certificate_no="๕๘๐๓/๒๕๖๔/๐๑", checked=dt.date(2021, 1, 5))
    p.plant("CERTIFICATE_NO_REUSED", ESTABLISH, f"X{r}")                    # e1's number in Thai digits
    p.plant("ESTABLISH_CHECK_BEFORE_APPLICATION", ESTABLISH, f"U{r}")       # 5/1 before the application 11/1

    e8 = "กลุ่มเลี้ยงผึ้งโพรง"
    r = p.application(e8, PENDING, certificate_no="5803/2564/09")
    p.plant("ESTABLISH_COMMITTEE_TOO_SMALL", ESTABLISH, f"B{r}")            # ประธาน, เลขานุการ
    p.plant("ESTABLISH_COMMITTEE_ROLE_MISSING", ESTABLISH, f"B{r}")         # no เหรัญญิก
    p.plant("ESTABLISH_CERTIFICATE_NOT_APPROVED", ESTABLISH, f"W{r}")       # a number while pending

    e9 = "กลุ่มปลูกงา"
    p.application(e9, REJECTED, **{k: None for k in (*REG, *DOC)})        # rejected: not checked for completeness

    r = p.application(e1, PENDING)
    p.plant("ESTABLISH_NAME_DUPLICATE", ESTABLISH, f"B{r}")

    e11 = "กลุ่มแปรรูปงาขี้ม้อน"
    r = p.application(e11, APPROVED, certificate_no="5803/2564/03", checked=None,
                      certificate_date=dt.date(2021, 1, 4))
    p.plant("ESTABLISH_CERTIFICATE_BEFORE_APPLICATION", ESTABLISH, f"Y{r}")  # 4/1 before 11/1, no check date
    p.plant("ESTABLISH_CHECK_MISSING", ESTABLISH, f"U{r}")

    e12 = "กลุ่มไม้ผลเมืองหนาว"
    r = p.application(e12, "อนุญาต", tambon="จองคำ")
    p.plant("GROUP_TAMBON_UNKNOWN", ESTABLISH, f"E{r}")                     # a tambon of Mueang, not Pai
    p.plant("CHOICE_NOT_ALLOWED", ESTABLISH, f"W{r}")

    r = p.application(None, PENDING)  # type: ignore[arg-type]
    p.plant("REQUIRED_MISSING", ESTABLISH, f"B{r}")

    e14 = "กลุ่มเลี้ยงปลานิล"  # approved, but certified in the fiscal year before this workbook's
    r = p.application(e14, APPROVED, certificate_no="5803/2563/07", applied=dt.date(2020, 8, 3),
                      checked=dt.date(2020, 8, 20), certificate_date=dt.date(2020, 9, 15))
    p.plant("ESTABLISH_CERTIFICATE_OTHER_YEAR", ESTABLISH, f"Y{r}")        # FY2563, not 2564

    e13 = "กลุ่มปลูกข้าวไร่"  # rejected, yet carrying a certificate: contradictions count whatever the decision
    r = p.application(e13, REJECTED, certificate_no="5803/2564/01", certificate_date=dt.date(2021, 1, 20))
    p.plant("ESTABLISH_CERTIFICATE_NOT_APPROVED", ESTABLISH, f"W{r}")      # a certificate on a rejection
    p.plant("CERTIFICATE_NO_REUSED", ESTABLISH, f"X{r}")                    # e1's number
    p.plant("ESTABLISH_CERTIFICATE_BEFORE_CHECK", ESTABLISH, f"Y{r}")        # 20/1 before the check 25/1

    # ---------------------------------------------------------------- applicants (ผู้ขอจัดตั้ง)
    e1_rows = p.applicants(e1, 10)
    e1_first_id = p.tables["applicants"][e1_rows[0] - APPLICANTS_FIRST_ROW]["citizen_id"]
    r = p.applicant(e1, citizen_id=e1_first_id)
    p.plant("PERSON_DUPLICATE", APPLICANTS, f"F{r}")
    p.applicants(e2, 9)
    p.applicants(e3, 8, roles=["ประธาน", "กรรมการ"])
    p.applicants(e4, 10, roles=["ประธาน", "เลขานุการ", "กรรมการ"])
    p.applicants(e5, 10)
    r = p.applicant(e5, "ประธาน")
    p.plant("COMMITTEE_ROLE_REPEATED", APPLICANTS, f"M{r}")
    rows = p.applicants(e6, 10)
    bad = p.tables["applicants"][rows[-1] - APPLICANTS_FIRST_ROW]
    bad["citizen_id"] = bad["citizen_id"][:12] + str((int(bad["citizen_id"][12]) + 1) % 10)
    p.plant("CITIZEN_ID_CHECKSUM", APPLICANTS, f"F{rows[-1]}")
    r = p.applicant(e6, citizen_id=p.tables["applicants"][e1_rows[1] - APPLICANTS_FIRST_ROW]["citizen_id"])
    p.plant("PERSON_IN_MANY_GROUPS", APPLICANTS, f"F{r}")
    rows = p.applicants(e7, 10)
    p.tables["applicants"][rows[-1] - APPLICANTS_FIRST_ROW]["tambon"] = "จองคำ"
    p.plant("MEMBER_OUTSIDE_DISTRICT", APPLICANTS, f"J{rows[-1]}")
    p.applicants(e8, 10, roles=["ประธาน", "เลขานุการ"])
    p.applicants(e9, 3)
    p.applicants(e11, 10)
    p.applicants(e14, 10)
    p.applicants(e12, 10)
    r = p.applicant("กลุ่มไม่มีคำขอ")
    p.plant("APPLICANT_GROUP_UNKNOWN", APPLICANTS, f"B{r}")
    r = p.applicant(e12, first_name=None)
    p.plant("REQUIRED_MISSING", APPLICANTS, f"D{r}")

    info = {"office": "สำนักงานเกษตรอำเภอปาย", "officer": "นางสาวสุดา ใจดี", "position": "นักวิชาการส่งเสริมการเกษตร",
            "phone": "053699123", "email": "aedo5803@example.go.th", "report_date": dt.date(2021, 6, 1)}
    return WorkbookData(info=info, tables=p.tables, created=CREATED), p.expected


def make_golden_establish(folder: str | Path = GOLDEN_DIR) -> list[Path]:
    """Write the bad establishment golden and its expected issues into ``folder``; returns the workbook."""
    return [write_golden(folder, NAME, DISTRICT, *bad_establish())]


if __name__ == "__main__":
    for written in make_golden_establish(sys.argv[1] if len(sys.argv) > 1 else GOLDEN_DIR):
        print(written)
