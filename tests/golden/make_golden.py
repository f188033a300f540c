"""Write the golden workbooks of tests/golden/ and, beside each, the issues it must give.

    python tests/golden/make_golden.py            # rewrites the committed goldens here
    make_golden(folder)                            # the same files into another folder (the drift test)

Every golden is validated with ``today = TODAY``; dates are chosen relative to it.

* ``good-5803.xlsx``: the shipped sample of Pai, as the builder writes it: no issues at all.
* ``good-5801-thai-typing.xlsx``: the Mueang Mae Hong Son sample typed the way officers really type
  (dates as Buddhist-era text, Thai digits, IDs as numbers or with dashes, phones with dashes, stray
  spaces, blank rows in the middle, ...): still no issues at all.
* ``bad-registry.xlsx``: a Pai workbook with one planted problem per entry of its expected file.

The ``.expected.json`` files are the plan of what was planted, written here by hand, not the
validator's output: each entry is one planted problem (code, sheet, cell) that must be reported
exactly once, and nothing else may be reported.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))  # this folder is not a package
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests/: the sample generator

from golden_common import CREATED, GOLDEN_DIR, TODAY, Expected, Plan, Row, load_script, write_golden  # noqa: E402
from golden_common import citizen_id as _person_id  # noqa: E402
from kaset_xl.workbook.builder import WorkbookData  # noqa: E402
from sample_data import sample_data  # noqa: E402

__all__ = ["TODAY", "make_golden", "GOLDEN_DIR"]

# Sheet names as the officer sees them (written out, not taken from the layout: a golden checks it).
INFO = "ข้อมูลอำเภอ"
GROUPS = "ทะเบียนกลุ่ม"
MEMBERS = "สมาชิก"
FIRST_DATA_ROW = 5  # header on row 4

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def thai(text: object) -> str:
    return str(text).translate(_THAI_DIGITS)


# ================================================================================ good-5803


def good_5803() -> tuple[WorkbookData, Expected]:
    return sample_data("5803"), []


# ================================================================== good-5801-thai-typing


def _date_as_typed(d: dt.date, style: int) -> object:
    """One date the way an officer might have typed it (all of them read back as ``d``)."""
    be = d.year + 543
    match style % 6:
        case 0:
            return f"{d.day}/{d.month}/{be}"  # 12/12/2563
        case 1:
            # 12 ธ.ค. 63 (a 2-digit year is read as 25YY: only for years from 2500 on)
            year = f"{be % 100:02d}" if be >= 2500 else str(be)
            return f"{d.day} {_THAI_MONTHS[d.month - 1]} {year}"
        case 2:
            return d.isoformat()  # 2020-12-12
        case 3:
            return thai(f"{d.day:02d}/{d.month:02d}/{be}")  # ๑๒/๑๒/๒๕๖๓
        case 4:
            # A real date cell whose year is Buddhist era (Excel outside the Thai locale keeps
            # 12/12/2563 as the year 2563).
            return dt.date(be, d.month, d.day)
        case _:
            return d  # an ordinary date cell


def _id_as_typed(digits: str, style: int, groups: tuple[int, ...]) -> object:
    match style % 5:
        case 0:
            return int(digits) if not digits.startswith("0") else digits  # typed as a number
        case 1:
            return thai(digits)  # ๑๑๐๑๗...
        case 2:
            parts, i = [], 0
            for n in groups:
                parts.append(digits[i:i + n])
                i += n
            return "-".join(parts)  # 1-1017-00230-70-8
        case 3:
            return f"  {digits} "  # stray spaces
        case _:
            return digits


def _phone_as_typed(digits: str, style: int) -> str:
    match style % 4:
        case 0:
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"  # 081-234-5678
        case 1:
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
        case 2:
            return thai(digits)
        case _:
            return digits


def good_5801_thai_typing() -> tuple[WorkbookData, Expected]:
    base = sample_data("5801")
    groups: list[Row] = []
    for i, g in enumerate(base.tables["groups"]):
        row = dict(g)
        row["name"] = f" {g['name']}  "
        row["moo"] = thai(g["moo"])
        row["tambon"] = ("ตำบล", "ต.", " ")[i % 3] + g["tambon"]
        row["phone"] = _phone_as_typed(g["phone"], i)
        row["established"] = _date_as_typed(g["established"], i + 1)
        row["member_count"] = thai(g["member_count"]) if i % 2 == 0 else str(g["member_count"])
        row["community_enterprise"] = f" {g['community_enterprise']}"
        row["fund"] = ("฿{:,.0f}", "{:,.0f}.-", "{:,.0f} บาท")[i % 3].format(g["fund"])
        row["income"] = thai(f"{g['income']:,.2f}")
        row["lat"] = thai(g["lat"]) if i % 2 == 0 else str(g["lat"])
        row["lon"] = f" {g['lon']} "
        groups.append(row)
    members: list[Row] = []
    for i, m in enumerate(base.tables["members"]):
        row = dict(m)
        row["group"] = (f"{m['group']} ", f"  {m['group']}", f"{m['group']}\u00a0")[i % 3]
        row["title"] = "น.ส." if m["title"] == "นางสาว" and i % 2 else m["title"]
        row["first_name"] = f" {m['first_name']}"
        row["last_name"] = f"{m['last_name']}  "
        row["citizen_id"] = _id_as_typed(m["citizen_id"], i, (1, 4, 5, 2, 1))
        row["birth_date"] = _date_as_typed(m["birth_date"], i)
        row["moo"] = thai(m["moo"]) if i % 2 else m["moo"]
        row["tambon"] = ("ต." + m["tambon"]) if i % 4 == 1 else m["tambon"]
        row["phone"] = _phone_as_typed(m["phone"], i)
        row["farmer_id"] = _id_as_typed(m["farmer_id"], i + 2, (4, 4, 4))
        row["join_date"] = _date_as_typed(m["join_date"], i + 3)
        row["consent"] = ("ใช่", " ใช่ ", "ใช่", "Yes")[i % 4]
        row["area_rai"] = thai(f"{m['area_rai']:g}") if i % 2 else f"{m['area_rai']:g} "
        row["household_income"] = thai(f"{m['household_income']:,.0f}") if i % 3 else f"{m['household_income']:,.0f}"
        members.append(row)
    # Blank rows in the middle of the members table: skipped, not the end of the table.
    members.insert(10, {})
    members.insert(20, {"no": 20, "first_name": "   ", "group": "\u00a0"})
    info = dict(base.info)
    info["phone"] = f"{info['phone'][:3]}-{info['phone'][3:]}"  # 053-612345
    info["report_date"] = "15 ธ.ค. 2563"
    info["officer"] = f"  {info['officer']} "
    # A date cell storing a Buddhist-era year (style 4 above) is read as meant, with a warning (issue 13).
    expected: Expected = [
        {"code": "DATE_STORED_YEAR_TOO_LATE", "sheet": MEMBERS, "cell": f"{letter}{FIRST_DATA_ROW + j}"}
        for j, row in enumerate(members) for key, letter in (("birth_date", "G"), ("join_date", "N"))
        if isinstance(row.get(key), dt.date) and row[key].year > 2200]
    return WorkbookData(info=info, tables={"groups": groups, "members": members}, created=CREATED), expected


# ============================================================================ bad-registry
#
# Pai (5803).  Columns of ทะเบียนกลุ่ม: A ลำดับ, B ชื่อกลุ่ม, C เลขที่, D หมู่ที่, E ตำบล, F โทรศัพท์มือถือ,
# G วันที่จัดตั้ง, H เลขที่ใบรับรอง, I จำนวนสมาชิก, J วิสาหกิจชุมชน, K เงินทุน, L รายได้, M กิจกรรม,
# N กิจกรรมหลัก, O มาตรฐาน, P ระดับ, Q ละติจูด, R ลองจิจูด.
# Columns of สมาชิก: A ลำดับ, B ชื่อกลุ่ม, C คำนำหน้า, D ชื่อ, E นามสกุล, F เลขประจำตัวประชาชน, G วันเกิด,
# H บ้านเลขที่, I หมู่ที่, J ตำบล, K โทรศัพท์, L เลขทะเบียนเกษตรกร, M ตำแหน่ง, N วันที่เข้าเป็นสมาชิก,
# O สมัครใจ, P กิจกรรมหลัก, Q พื้นที่ (ไร่), R รายได้ครัวเรือน.

PAI_TAMBONS = ("เวียงใต้", "เวียงเหนือ", "แม่นาเติง", "แม่ฮี้", "ทุ่งยาว", "เมืองแปง", "โป่งสา")
FIRST_M = ("สมชาย", "บุญมี", "ประเสริฐ", "จะแฮ", "ส่างคำ", "อุดม", "วิชัย", "คำแสน", "ชัยวัฒน์", "สุริยา")
FIRST_F = ("สมศรี", "บัวคำ", "มะลิ", "ปิ่นแก้ว", "นวลจันทร์", "หน่อคำ", "สุดา", "เกศินี", "บุษบา", "คำหล้า")
LAST = ("ใจดี", "แสนคำ", "ดอยสูง", "คำแก้ว", "ไตรรัตน์", "จันทร์หอม", "ปัญญาดี", "ศรีวิชัย", "ลุงตา", "ทองคำ",
        "มูลเมือง", "ป่าไม้งาม", "แก้วมณี", "สุขใจ", "ธารน้ำใส", "คีรีวงศ์")
COMMITTEE = ("ประธาน", "เลขานุการ", "เหรัญญิก")


def citizen_id(n: int, first: str = "1") -> str:
    return _person_id(n, first)


class _Bad(Plan):
    """Collects the rows of the bad workbook and, by hand, the plan of what is planted where."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[Row] = []
        self.members: list[Row] = []
        self.people = 0  # persons made so far: each gets a unique name and citizen ID

    def group(self, name: str | None, *, established: object = dt.date(2015, 1, 10),
              member_count: object = 12, **over: Any) -> int:
        """Append a clean group row (with ``over`` applied); returns its worksheet row."""
        row = FIRST_DATA_ROW + len(self.groups)
        n = len(self.groups) + 1
        self.groups.append({
            "no": n, "name": name, "house_no": str(10 + n), "moo": 1 + n % 9,
            "tambon": PAI_TAMBONS[n % len(PAI_TAMBONS)], "phone": f"09{n:08d}", "established": established,
            "certificate_no": f"5803/2558/{n:02d}", "member_count": member_count, "community_enterprise": "ไม่ใช่",
            "fund": 50_000.0 + 1000 * n, "income": 120_000.0 + 5000 * n, "activities": "ปลูกผัก แปรรูป",
            "main_activity": "ปลูกผัก", "standard": "GAP", "level": "ปานกลาง",
            "lat": round(19.36 + n / 1000, 4), "lon": round(98.44 - n / 1000, 4),
        } | over)
        return row

    def person(self) -> Row:
        """The identity of a new, unique person."""
        n = self.people
        self.people += 1
        female = n % 2 == 1
        return {
            "title": "นาง" if female else "นาย",
            "first_name": (FIRST_F if female else FIRST_M)[(n // 2) % 10],
            "last_name": LAST[n // 20],
            "citizen_id": citizen_id(n + 1),
            "birth_date": dt.date(1960 + n % 35, 1 + n % 12, 1 + n % 28),
            "farmer_id": f"5803{n + 1:08d}",
        }

    def member(self, group: str, role: str = "สมาชิก", *, join: object = dt.date(2016, 5, 1),
               **over: Any) -> int:
        """Append a member row of a new person (or of ``over``'s); returns its worksheet row."""
        row = FIRST_DATA_ROW + len(self.members)
        n = len(self.members) + 1
        self.members.append({
            "no": n, "group": group, **self.person(), "house_no": str(n), "moo": 1 + n % 12,
            "tambon": PAI_TAMBONS[n % len(PAI_TAMBONS)], "phone": f"08{n:08d}", "role": role,
            "join_date": join, "consent": "ใช่", "main_activity": "ปลูกผัก", "area_rai": float(5 + n % 20),
            "household_income": float(90_000 + 1000 * n),
        } | over)
        return row

    def members_of(self, group: str, count: int, roles: tuple[str, ...] = COMMITTEE,
                   **over: Any) -> list[int]:
        """``count`` clean members, the first ones holding ``roles``; returns their rows."""
        return [self.member(group, roles[i] if i < len(roles) else "สมาชิก", **over) for i in range(count)]


def bad_registry() -> tuple[WorkbookData, Expected, dict[str, object]]:
    """The bad workbook's data, its plan, and the prefilled info cells to overwrite afterwards."""
    b = _Bad()

    # ---------------------------------------------------------------- district information
    info = {
        "office": "สำนักงานเกษตรอำเภอปาย",
        "officer": None,                     # required, left blank
        "position": "นักวิชาการส่งเสริมการเกษตรชำนาญการ",
        "phone": "5361234",                  # 7 digits
        "email": "aedo5803@example.go.th",
        "report_date": dt.date(2026, 2, 1),  # after TODAY
    }
    b.plant("REQUIRED_MISSING", INFO, "C8")
    b.plant("PHONE_FORMAT", INFO, "C10")
    b.plant("DATE_IN_FUTURE", INFO, "C12")
    # Locked prefilled cells changed by hand (done with openpyxl after building).
    prefilled = {"C5": "เมืองแม่ฮ่องสอน", "C6": 2565}
    b.plant("IDENTITY_MISMATCH", INFO, "C5")
    b.plant("IDENTITY_MISMATCH", INFO, "C6")

    # ---------------------------------------------------------------- groups (rows 5..20)
    veg = "กลุ่มปลูกผักปลอดภัย"
    r = b.group(veg, main_activity=None, moo=3.5, fund="ห้าหมื่นบาท", level="ดีมาก")
    assert r == 5
    b.plant("NOT_WHOLE_NUMBER", GROUPS, "D5")
    b.plant("INVALID_NUMBER", GROUPS, "K5")
    b.plant("REQUIRED_MISSING", GROUPS, "N5")
    b.plant("CHOICE_NOT_ALLOWED", GROUPS, "P5")

    rice = "กลุ่มผลิตข้าวอินทรีย์"
    r = b.group(rice, member_count=13, phone="12345", community_enterprise="อาจจะ", income=-5000.0,
                lat=98.44, lon=19.36)  # 12 members + one who is also in กลุ่มปลูกผักปลอดภัย
    assert r == 6
    b.plant("PHONE_FORMAT", GROUPS, "F6")
    b.plant("CHOICE_NOT_ALLOWED", GROUPS, "J6")
    b.plant("NUMBER_OUT_OF_RANGE", GROUPS, "L6")
    b.plant("LATLON_OUT_OF_RANGE", GROUPS, "Q6")
    b.plant("LATLON_OUT_OF_RANGE", GROUPS, "R6")

    garlic = "ปลูกกระเทียมบ้านแม่ฮี้"  # no "กลุ่ม"
    assert b.group(garlic) == 7  # 12 people, one of them listed twice
    b.plant("GROUP_NAME_PREFIX", GROUPS, "B7")

    bees = "กลุ่มเลี้ยงผึ้งโพรง"
    assert b.group(bees, tambon="ห้วยโป่ง") == 8  # a tambon of Mueang Mae Hong Son
    b.plant("GROUP_TAMBON_UNKNOWN", GROUPS, "E8")

    assert b.group(veg, established=dt.date(2016, 3, 1)) == 9  # the name of row 5 again
    b.plant("GROUP_NAME_DUPLICATE", GROUPS, "B9")

    assert b.group("กลุ่มแปรรูปงาขี้ม้อน", member_count=10) == 10  # no member rows yet
    b.plant("GROUP_NO_MEMBERS", GROUPS, "B10")

    fruit = "กลุ่มไม้ผลเมืองหนาว"
    assert b.group(fruit, member_count=6) == 11
    b.plant("GROUP_TOO_FEW_MEMBERS", GROUPS, "B11")

    cattle = "กลุ่มเลี้ยงโคเนื้อ"
    assert b.group(cattle, member_count=15) == 12  # 12 listed
    b.plant("MEMBER_COUNT_MISMATCH", GROUPS, "I12")

    coffee = "กลุ่มปลูกกาแฟอราบิก้า"
    assert b.group(coffee, member_count=10) == 13  # committee: chair and secretary only
    b.plant("COMMITTEE_TOO_SMALL", GROUPS, "B13")
    b.plant("COMMITTEE_ROLE_MISSING", GROUPS, "B13")  # no treasurer: unavoidable with 2 of 3 roles

    soy = "กลุ่มปลูกถั่วเหลือง"
    assert b.group(soy, member_count=11) == 14  # a committee of 4 without a secretary
    b.plant("COMMITTEE_ROLE_MISSING", GROUPS, "B14")

    mushroom = "กลุ่มเพาะเห็ด"
    assert b.group(mushroom) == 15  # two treasurers (see the members)

    roast = "กลุ่มแปรรูปกาแฟคั่ว"
    assert b.group(roast, established=dt.date(2026, 3, 1)) == 16  # after TODAY; members joined 2016
    b.plant("DATE_IN_FUTURE", GROUPS, "G16")

    corn = "กลุ่มปลูกข้าวโพด"
    assert b.group(corn, established="31/02/2558") == 17  # no 31 February; required, so nothing else
    b.plant("INVALID_DATE", GROUPS, "G17")

    chicken = "กลุ่มเลี้ยงไก่พื้นเมือง"
    assert b.group(chicken, established="1/1/1800", moo=120) == 18
    b.plant("NUMBER_OUT_OF_RANGE", GROUPS, "D18")
    b.plant("DATE_IMPLAUSIBLE", GROUPS, "G18")

    fish = "กลุ่มเลี้ยงปลานิล"
    assert b.group(fish, member_count=12000) == 19  # 12 listed: out of range, not also a mismatch
    b.plant("NUMBER_OUT_OF_RANGE", GROUPS, "I19")

    herbs = "กลุ่มปลูกสมุนไพร"
    assert b.group(herbs, tambon=None) == 20
    b.plant("REQUIRED_MISSING", GROUPS, "E20")

    # ---------------------------------------------------------------- members
    # กลุ่มปลูกผักปลอดภัย: 12 members, problems in single cells of plain members.
    rows = b.members_of(veg, 3)
    rows.append(b.member(veg, last_name=None))
    b.plant("REQUIRED_MISSING", MEMBERS, f"E{rows[-1]}")
    rows.append(b.member(veg, birth_date="30/02/2530"))
    b.plant("INVALID_DATE", MEMBERS, f"G{rows[-1]}")
    rows.append(b.member(veg, area_rai="ห้าไร่"))
    b.plant("INVALID_NUMBER", MEMBERS, f"Q{rows[-1]}")
    rows.append(b.member(veg, moo=4.5))
    b.plant("NOT_WHOLE_NUMBER", MEMBERS, f"I{rows[-1]}")
    rows.append(b.member(veg, area_rai=250_000.0))
    b.plant("NUMBER_OUT_OF_RANGE", MEMBERS, f"Q{rows[-1]}")
    rows.append(b.member(veg, role="หัวหน้ากลุ่ม"))
    b.plant("CHOICE_NOT_ALLOWED", MEMBERS, f"M{rows[-1]}")
    rows.append(b.member(veg, consent="ไม่แน่ใจ"))  # required, unreadable: one issue only
    b.plant("CHOICE_NOT_ALLOWED", MEMBERS, f"O{rows[-1]}")
    many_groups = b.members[b.member(veg) - FIRST_DATA_ROW]  # also in กลุ่มผลิตข้าวอินทรีย์
    same_name = b.members[b.member(veg) - FIRST_DATA_ROW]  # a namesake is in กลุ่มเลี้ยงผึ้งโพรง
    assert len([m for m in b.members if m["group"] == veg]) == 12

    # กลุ่มผลิตข้าวอินทรีย์: 12 members + 1 from another group; identifiers and dates.
    b.members_of(rice, 3)
    r = b.member(rice, citizen_id="1234567890")
    b.plant("CITIZEN_ID_FORMAT", MEMBERS, f"F{r}")
    good = citizen_id(9001)
    r = b.member(rice, citizen_id=good[:12] + str((int(good[12]) + 1) % 10))
    b.plant("CITIZEN_ID_CHECKSUM", MEMBERS, f"F{r}")
    r = b.member(rice, citizen_id=citizen_id(9002, first="9"))
    b.plant("CITIZEN_ID_PREFIX", MEMBERS, f"F{r}")
    r = b.member(rice, farmer_id="58030000123")  # 11 digits
    b.plant("FARMER_ID_FORMAT", MEMBERS, f"L{r}")
    r = b.member(rice, phone="08123456")
    b.plant("PHONE_FORMAT", MEMBERS, f"K{r}")
    r = b.member(rice, join="01/03/2569")  # 1 March 2026: after TODAY
    b.plant("DATE_IN_FUTURE", MEMBERS, f"N{r}")
    r = b.member(rice, join="1/1/1850")  # before 1900 (and so before the birth date: not reported again)
    b.plant("DATE_IMPLAUSIBLE", MEMBERS, f"N{r}")
    r = b.member(rice, birth_date=dt.date(2027, 5, 1))  # future birth; joined 2016: not reported again
    b.plant("DATE_IN_FUTURE", MEMBERS, f"G{r}")
    b.member(rice)
    r = b.member(rice, **{k: many_groups[k] for k in ("title", "first_name", "last_name", "citizen_id",
                                                     "birth_date", "farmer_id")})
    b.plant("PERSON_IN_MANY_GROUPS", MEMBERS, f"F{r}")
    assert len([m for m in b.members if m["group"] == rice]) == 13

    # ปลูกกระเทียมบ้านแม่ฮี้ (established 10 Jan 2015): 12 people; the chair's row is typed twice.
    chair = b.member(garlic, "ประธาน")
    b.members_of(garlic, 2, roles=("เลขานุการ", "เหรัญญิก"))
    r = b.member(garlic, birth_date="1/1/1800")
    b.plant("DATE_IMPLAUSIBLE", MEMBERS, f"G{r}")
    r = b.member(garlic, birth_date=dt.date(2015, 6, 1), join=dt.date(2020, 1, 1))  # 10 years old
    b.plant("MEMBER_AGE_IMPLAUSIBLE", MEMBERS, f"G{r}")
    r = b.member(garlic, join=dt.date(2014, 12, 1))
    b.plant("JOIN_BEFORE_ESTABLISHED", MEMBERS, f"N{r}")
    r = b.member(garlic, birth_date=dt.date(1990, 3, 1), join=dt.date(1989, 5, 1))  # and before 2015
    b.plant("JOIN_BEFORE_BIRTH", MEMBERS, f"N{r}")
    r = b.member(garlic, consent="ไม่ใช่")
    b.plant("CONSENT_NOT_GIVEN", MEMBERS, f"O{r}")
    r = b.member(garlic, tambon="จองคำ")  # Mueang Mae Hong Son
    b.plant("MEMBER_OUTSIDE_DISTRICT", MEMBERS, f"J{r}")
    b.members_of(garlic, 2, roles=())
    r = b.member(garlic, "ประธาน", **{k: v for k, v in b.members[chair - FIRST_DATA_ROW].items()
                                     if k not in ("no", "group", "role")})
    b.plant("PERSON_DUPLICATE", MEMBERS, f"F{r}")  # one person: counts and committee unchanged
    b.member(garlic)
    assert len([m for m in b.members if m["group"] == garlic]) == 13

    # กลุ่มเลี้ยงผึ้งโพรง: a member with the same name as one in กลุ่มปลูกผักปลอดภัย, another ID.
    b.members_of(bees, 3)
    r = b.member(bees, first_name=same_name["first_name"], last_name=same_name["last_name"],
                 title=same_name["title"])
    b.plant("PERSON_SAME_NAME", MEMBERS, f"D{r}")
    b.members_of(bees, 8, roles=())

    b.members_of(fruit, 6)
    b.members_of(cattle, 12)
    b.members_of(coffee, 10, roles=("ประธาน", "เลขานุการ"))
    b.members_of(soy, 11, roles=("ประธาน", "รองประธาน", "เหรัญญิก", "กรรมการ"))
    rows = b.members_of(mushroom, 12, roles=("ประธาน", "เลขานุการ", "เหรัญญิก", "เหรัญญิก"))
    b.plant("COMMITTEE_ROLE_REPEATED", MEMBERS, f"M{rows[3]}")
    b.members_of(roast, 12)  # joined 2016, "before" the future establishment date: not reported
    b.members_of(corn, 12)
    b.members_of(chicken, 12)
    b.members_of(fish, 12)
    b.members_of(herbs, 12)

    r = b.member("กลุ่มทอผ้าบ้านเวียงใต้")  # not in the registry
    b.plant("GROUP_UNKNOWN", MEMBERS, f"B{r}")

    data = WorkbookData(info=info, tables={"groups": b.groups, "members": b.members}, created=CREATED)
    return data, b.expected, prefilled


# ================================================================================ writing


def _overwrite_cells(path: Path, sheet: str, cells: dict[str, object]) -> None:
    """Change cells of a built workbook as an officer would in Excel (locked cells included)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        wb = openpyxl.load_workbook(copy)
        for cell, value in cells.items():
            wb[sheet][cell] = value
        wb.save(copy)
        wb.close()
        _fix_modified(copy, path)


def _fix_modified(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` with openpyxl's save time (dcterms:modified and the zip members' times)
    fixed, so that regenerating the golden gives the same bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "docProps/core.xml":
                created = re.search(rb"<dcterms:created[^>]*>([^<]*)<", data)
                if created:
                    data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + created.group(1) + rb"\g<2>",
                                  data)
            info.date_time = (1980, 1, 1, 0, 0, 0)  # openpyxl stamps the members with the save time
            zout.writestr(info, data)


def make_golden(folder: str | Path = GOLDEN_DIR) -> list[Path]:
    """Write every golden workbook and its expected issues into ``folder``; returns the workbooks."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, district: str, data: WorkbookData, expected: Expected) -> Path:
        written.append(write_golden(out, name, district, data, expected))
        return written[-1]

    write("good-5803", "5803", *good_5803())
    write("good-5801-thai-typing", "5801", *good_5801_thai_typing())
    data, expected, prefilled = bad_registry()
    path = write("bad-registry", "5803", data, expected)
    _overwrite_cells(path, INFO, prefilled)
    written += load_script("make_golden_programme").make_golden_programme(out)  # bad-programme.xlsx
    written += load_script("make_golden_establish").make_golden_establish(out)  # bad-establish.xlsx
    return written


if __name__ == "__main__":
    for p in make_golden(sys.argv[1] if len(sys.argv) > 1 else GOLDEN_DIR):
        print(p)
