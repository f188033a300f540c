"""Sample district workbooks for Mae Hong Son (fictional people, checksum-valid IDs).

Each sample holds its district's registry (groups and members) and the FY2564 programme of its one
selected group (seed 000 §5.1): selection, 3ก rounds 1 and 2, Smart Farmer self-assessment, IFPP,
participation in the phases and the seminar, and budget lines — clean under every rule.

``make_samples(folder)`` is reproducible: the same code writes the same workbooks.  The shipped
copies live in ``workbooks/`` (made by ``python scripts/make_samples.py``; installed as the package data
``kaset_xl.sample_workbooks``) and ``kaset-xl demo`` runs on them.  This generator is not part of the
package: the tests, the golden scripts and the benchmarks use it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from stdnum.th import pin

from kaset_xl.areas import district_area
from kaset_xl.criteria import SmartFarmerCriteria, load_criteria
from kaset_xl.domain.assessment import score_assessment
from kaset_xl.domain.smart_farmer import classify
from kaset_xl.workbook.builder import WorkbookData, build_workbook
from kaset_xl.workbook.programme_sheets import assessment_key, capable_key, sf_key

__all__ = ["SAMPLE_DISTRICTS", "SAMPLE_YEAR", "make_samples", "sample_data", "make_citizen_id"]

SAMPLE_YEAR = 2564
# The district's latest report: after the seminar, in time for กสอ.3 / กสอ.4 (June 2564); every date
# of a sample is on or before it.
REPORT_DATE = dt.date(2021, 6, 25)
# Four of Mae Hong Son's seven districts, as in the FY2564 programme (4 districts, 4 groups).
# Approximate district centres, used only to give sample groups plausible coordinates.
SAMPLE_DISTRICTS: dict[str, tuple[float, float]] = {
    "5801": (19.30, 97.97),
    "5803": (19.36, 98.44),
    "5804": (18.17, 97.93),
    "5807": (19.50, 98.25),
}
GROUP_IDEAS = [
    ("กลุ่มปลูกกาแฟอราบิก้า", "ปลูกกาแฟ", "กาแฟ แปรรูปกาแฟคั่ว"),
    ("กลุ่มผลิตข้าวอินทรีย์", "ทำนาข้าวอินทรีย์", "ข้าว ผลิตเมล็ดพันธุ์"),
    ("กลุ่มปลูกกระเทียม", "ปลูกกระเทียม", "กระเทียม ถั่วเหลือง"),
    ("กลุ่มเลี้ยงผึ้งโพรง", "เลี้ยงผึ้ง", "น้ำผึ้ง ไขผึ้ง"),
    ("กลุ่มปลูกผักปลอดภัย", "ปลูกผัก", "ผักสลัด ผักพื้นบ้าน"),
    ("กลุ่มแปรรูปงาขี้ม้อน", "แปรรูปงา", "งาขี้ม้อน น้ำมันงา"),
    ("กลุ่มไม้ผลเมืองหนาว", "ปลูกไม้ผล", "อะโวคาโด พลับ"),
    ("กลุ่มเลี้ยงโคเนื้อ", "เลี้ยงโค", "โคเนื้อ ปุ๋ยคอก"),
]
FIRST_M = ["สมชาย", "บุญมี", "ประเสริฐ", "จะแฮ", "ส่างคำ", "อุดม", "วิชัย", "คำแสน", "ชัยวัฒน์", "จันทร์ตา",
           "แสงจันทร์", "พะโย", "สุริยา", "ทองดี", "ณรงค์", "อานนท์"]
FIRST_F = ["สมศรี", "บัวคำ", "นางแก้ว", "มะลิ", "ปิ่นแก้ว", "นวลจันทร์", "หน่อคำ", "สุดา", "เกศินี", "บุษบา",
           "คำหล้า", "ศรีนวล", "จันทร์เพ็ญ", "อำไพ", "แสงเดือน", "ผ่องศรี"]
LAST = ["ใจดี", "แสนคำ", "ดอยสูง", "คำแก้ว", "ไตรรัตน์", "จันทร์หอม", "ปัญญาดี", "ศรีวิชัย", "ลุงตา", "ทองคำ",
        "มูลเมือง", "ป่าไม้งาม", "แก้วมณี", "สุขใจ", "ธารน้ำใส", "คีรีวงศ์", "ไม้เรียง", "อินต๊ะ"]


def _officer(rng: random.Random) -> str:
    """An officer's title and name, the title matching the name (นาย for a man's name): the random draws are
    the ones made before the titles matched (the samples' other values stay as they were)."""
    drawn_title, first, last = rng.choice(["นาย", "นางสาว"]), rng.choice(FIRST_M + FIRST_F), rng.choice(LAST)
    title = "นาย" if first in FIRST_M else ("นางสาว" if drawn_title == "นาย" else drawn_title)
    return f"{title}{first} {last}"


ROLES = ["ประธาน", "รองประธาน", "เลขานุการ", "เหรัญญิก", "กรรมการ"]
ACTIVITIES = ["ปลูกข้าว", "ปลูกผัก", "ปลูกกาแฟ", "ปลูกกระเทียม", "เลี้ยงสัตว์", "ไม้ผล", "ปลูกงา"]


def make_citizen_id(rng: random.Random, first: str | None = None) -> str:
    head = (first or rng.choice("13")) + "".join(rng.choice("0123456789") for _ in range(11))
    return head + pin.calc_check_digit(head)


def sample_data(district_code: str, seed: int = 2564) -> WorkbookData:
    """The filled content of one sample district workbook."""
    rng = random.Random(f"{seed}-{district_code}")
    area = district_area(district_code)
    tambons = area.tambon_names
    lat0, lon0 = SAMPLE_DISTRICTS.get(district_code, (19.0, 98.0))
    ideas = rng.sample(GROUP_IDEAS, 3)
    groups: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    for gi, (name, main, activities) in enumerate(ideas, start=1):
        tambon_i = rng.randrange(len(tambons))
        established = dt.date(rng.randint(2012, 2019), rng.randint(1, 12), rng.randint(1, 28))
        n_members = rng.randint(15, 18)
        groups.append({
            "no": gi, "name": name, "house_no": str(rng.randint(1, 250)), "moo": rng.randint(1, 12),
            "tambon": tambons[tambon_i], "phone": "08" + "".join(rng.choice("0123456789") for _ in range(8)),
            "established": established, "certificate_no": f"{district_code}/{established.year + 543}/{gi:02d}",
            "member_count": n_members, "community_enterprise": rng.choice(["ใช่", "ไม่ใช่"]),
            "fund": float(rng.randrange(20_000, 400_000, 500)), "income": float(rng.randrange(50_000, 900_000, 1000)),
            "activities": activities, "main_activity": main, "standard": rng.choice(["GAP", "ไม่มี", "เกษตรอินทรีย์"]),
            "level": rng.choice(["ดี", "ปานกลาง", "ปานกลาง", "ปรับปรุง"]),
            "lat": round(lat0 + rng.uniform(-0.08, 0.08), 4), "lon": round(lon0 + rng.uniform(-0.08, 0.08), 4),
        })
        for mi in range(n_members):
            female = rng.random() < 0.5
            cid = ""
            while not cid or cid in used_ids:
                # A few IDs start with 0 (people without Thai nationality status; see registry.py).
                cid = make_citizen_id(rng, "0" if rng.random() < 0.05 else None)
            used_ids.add(cid)
            born = dt.date(rng.randint(1955, 1998), rng.randint(1, 12), rng.randint(1, 28))
            # Everyone joined on or before 1/12/2563; the programme takes its phase-1 members among those
            # who joined before 3ก round 1 (November 2563).
            join = min(established + dt.timedelta(days=rng.randint(0, 700)), dt.date(2020, 12, 1))
            neighbour = tambons[(tambon_i + rng.choice([0, 0, 0, 1, -1])) % len(tambons)]
            members.append({
                "no": len(members) + 1, "group": name,
                "title": ("นาง" if rng.random() < 0.7 else "นางสาว") if female else "นาย",
                "first_name": rng.choice(FIRST_F if female else FIRST_M), "last_name": rng.choice(LAST),
                "citizen_id": cid, "birth_date": born, "house_no": str(rng.randint(1, 300)),
                "moo": rng.randint(1, 12), "tambon": neighbour,
                "phone": "0" + rng.choice("689") + "".join(rng.choice("0123456789") for _ in range(8)),
                "farmer_id": "".join(rng.choice("0123456789") for _ in range(12)),
                "role": ROLES[mi] if mi < len(ROLES) else "สมาชิก", "join_date": join, "consent": "ใช่",
                "main_activity": rng.choice(ACTIVITIES), "area_rai": float(rng.randint(2, 40)),
                "household_income": float(rng.randrange(60_000, 420_000, 1000)),
            })
    # Same first and last name twice in one district would be flagged for a person to check;
    # samples keep names unique so the demo's warnings are about real things.
    seen: set[tuple[str, str]] = set()
    for m in members:
        while (m["first_name"], m["last_name"]) in seen:
            m["last_name"] = rng.choice(LAST) + rng.choice(["", "วงศ์", "สกุล", "ศักดิ์"])
        seen.add((m["first_name"], m["last_name"]))
    info: dict[str, Any] = {
        "office": f"สำนักงานเกษตรอำเภอ{area.district.name_th}",
        "officer": _officer(rng),
        "position": "นักวิชาการส่งเสริมการเกษตรชำนาญการ",
        "phone": "053" + "".join(rng.choice("0123456789") for _ in range(6)),
        "email": f"aedo{district_code}@example.go.th",
        "report_date": REPORT_DATE,
    }
    # The FY2564 programme comes last, so the registry above is drawn exactly as before it existed
    # (the programme then sets the selected group's level and raises a few household incomes to agree).
    tables: dict[str, Sequence[Mapping[str, Any]]] = {"groups": groups, "members": members}
    tables.update(_programme(rng, district_code, groups, members, info["officer"]))
    # The establishment sheets draw from their own generator: the registry and programme stay as they were.
    tables.update(_establishment(random.Random(f"{seed}-{district_code}-establish"), district_code,
                                 used_ids | {m["citizen_id"] for m in members}))
    return WorkbookData(info=info, tables=tables, created=dt.datetime(2020, 10, 1, 8, 30))


# ============================================================ the FY2564 programme (seed 000 §5.1)
# The province selects 4 groups over its 4 sample districts, one per district: Pai (5803) holds the
# category-1 group (to become a Smart Group, the model group of §5.1.4), the others one category-2
# group each.  Only the selected group of a district goes through the programme; the district's other
# groups stay registry-only.

# district → (category, past programme years, Smart Farmer programme years, last 3ก level (= round 1),
# level reached in round 2)
PROGRAMME_PLAN: dict[str, tuple[int, str, str, str, str]] = {
    "5801": (2, "", "2563", "ปรับปรุง", "ปานกลาง"),
    "5803": (1, "2561, 2562", "", "ปานกลาง", "ดี"),
    "5804": (2, "2560", "", "ปานกลาง", "ดี"),
    "5807": (2, "", "2562, 2563", "ปรับปรุง", "ปานกลาง"),
}
# Ranges of the sample's 3ก totals (out of 100) for each level reached, inside the criteria's bands.
ROUND1_TOTAL = {"ปรับปรุง": (38.0, 47.0), "ปานกลาง": (58.0, 71.0)}
ROUND2_TOTAL = {"ปานกลาง": (57.0, 69.0), "ดี": (81.0, 88.0)}
# The provincial network seminar (§5.1.5), two days at the model group's site in Pai; 3ก round 2 is
# assessed there.
SEMINAR_DATE = dt.date(2021, 6, 17)
SEMINAR_DAYS = 2
YES, NO = "ใช่", "ไม่ใช่"

# Individual farm production plans by the member's main activity:
# (goal, production, marketing, social/environment, contingency plan); {area} = the member's rai.
IFPP_PLANS: dict[str, tuple[str, str, str, str, str]] = {
    "ปลูกข้าว": (
        "เพิ่มผลผลิตข้าวและลดต้นทุนการผลิตร้อยละ 10",
        "ทำนาดำ {area} ไร่ ใช้เมล็ดพันธุ์ข้าวคุณภาพดี ใส่ปุ๋ยตามค่าวิเคราะห์ดิน",
        "ขายข้าวเปลือกผ่านกลุ่ม แปรรูปข้าวสารบรรจุถุงขายในชุมชน",
        "ไถกลบตอซังแทนการเผา ทำปุ๋ยหมักจากฟางข้าว",
        "ปลูกถั่วเหลืองหลังนาเป็นรายได้เสริม"),
    "ปลูกผัก": (
        "ผลิตผักปลอดภัยได้มาตรฐาน GAP ส่งตลาดได้ตลอดปี",
        "ปลูกผักหมุนเวียน {area} ไร่ ทยอยปลูกทุก 2 สัปดาห์ ใช้ระบบน้ำหยด",
        "ส่งผักให้ตลาดสดอำเภอและร้านอาหารในพื้นที่ ขายออนไลน์ผ่านเพจกลุ่ม",
        "ใช้สารชีวภัณฑ์แทนสารเคมี ทำปุ๋ยหมักจากเศษผัก",
        "ปลูกผักพื้นบ้านอายุยาวไว้เก็บขายเมื่อราคาผักตกต่ำ"),
    "ปลูกกาแฟ": (
        "เพิ่มคุณภาพเมล็ดกาแฟและขายกาแฟคั่วได้ราคาดีขึ้น",
        "ดูแลแปลงกาแฟ {area} ไร่ ใต้ร่มไม้ ตัดแต่งกิ่ง เก็บเฉพาะผลสุกแดง",
        "ขายกาแฟกะลาให้กลุ่มแปรรูปเป็นกาแฟคั่ว ขายนักท่องเที่ยวและออนไลน์",
        "ปลูกกาแฟใต้ร่มไม้ป่า ไม่บุกรุกป่า นำเปลือกกาแฟทำปุ๋ยหมัก",
        "ปลูกอะโวคาโดแซมในแปลงกาแฟเป็นรายได้เสริม"),
    "ปลูกกระเทียม": (
        "ผลิตกระเทียมคุณภาพดี หัวใหญ่ ลดการใช้สารเคมี",
        "ปลูกกระเทียม {area} ไร่ หลังฤดูทำนา คัดหัวพันธุ์เอง คลุมฟางรักษาความชื้น",
        "มัดจุกกระเทียมขายผ่านกลุ่ม เก็บรักษาไว้ขายเมื่อราคาดี",
        "ใช้ฟางข้าวคลุมแปลงแทนพลาสติก ใช้สารเคมีตามคำแนะนำ",
        "แบ่งพื้นที่ปลูกถั่วเหลืองและผักกาดเพื่อกระจายความเสี่ยง"),
    "เลี้ยงสัตว์": (
        "เพิ่มจำนวนสัตว์ในฟาร์มและลดต้นทุนอาหารสัตว์",
        "เลี้ยงไก่พื้นเมืองและสุกรในคอกมาตรฐาน ปลูกหญ้าเลี้ยงสัตว์ {area} ไร่",
        "ขายสัตว์มีชีวิตให้พ่อค้าในพื้นที่และขายผ่านกลุ่ม",
        "ทำปุ๋ยคอกจากมูลสัตว์ ไม่ปล่อยน้ำเสียลงลำห้วย",
        "ฉีดวัคซีนตามโปรแกรมและสำรองอาหารสัตว์ไว้ช่วงแล้ง"),
    "ไม้ผล": (
        "ผลิตไม้ผลเมืองหนาวคุณภาพดีส่งตลาดท่องเที่ยว",
        "ดูแลสวนไม้ผล {area} ไร่ ตัดแต่งกิ่ง ห่อผล ให้น้ำตามระยะการเจริญเติบโต",
        "ขายผลสดให้นักท่องเที่ยวและตลาดในอำเภอ แปรรูปผลตกเกรด",
        "ปลูกหญ้าแฝกป้องกันการชะล้างหน้าดิน ใช้ปุ๋ยอินทรีย์",
        "ปลูกพืชผักระหว่างแถวไม้ผลเป็นรายได้ระยะสั้น"),
    "ปลูกงา": (
        "เพิ่มผลผลิตงาขี้ม้อนและขายเป็นผลิตภัณฑ์แปรรูป",
        "ปลูกงาขี้ม้อน {area} ไร่ ใช้เมล็ดพันธุ์ที่คัดเอง ตากและทำความสะอาดเมล็ดให้ได้คุณภาพ",
        "ขายเมล็ดงาให้กลุ่มแปรรูปเป็นน้ำมันงาและงาคั่วบรรจุถุง",
        "ไม่เผาเศษซากงา ไถกลบเป็นปุ๋ยพืชสด",
        "ปลูกถั่วแดงหมุนเวียนเมื่อราคางาตกต่ำ"),
}
IFPP_MANAGEMENT = ("จดบันทึกบัญชีฟาร์มรายรับ-รายจ่ายทุกเดือน", "ใช้แรงงานในครัวเรือนและลงแขกกับสมาชิกกลุ่ม",
                   "วางแผนการผลิตร่วมกับกลุ่มตามปฏิทินการผลิต", "ซื้อปัจจัยการผลิตร่วมกับกลุ่มเพื่อลดต้นทุน")
IFPP_GROUP_LINKS = ("ซื้อปัจจัยการผลิตร่วมกัน", "รวบรวมผลผลิตจำหน่ายผ่านกลุ่ม", "ระดมหุ้นและออมทรัพย์กลุ่ม",
                    "ถ่ายทอดความรู้ระหว่างสมาชิก")

# Materials for the model group (§5.1.4) by the group's main activity: (item, unit, quantity, price).
# Each list stays within the 7,000-baht cap (checked when the sample is made).
MATERIALS: dict[str, tuple[tuple[str, str, int, float], ...]] = {
    "ปลูกกาแฟ": (("กล้ากาแฟอราบิก้าพันธุ์คาติมอร์", "ต้น", 200, 12.0),
                 ("ปุ๋ยอินทรีย์อัดเม็ด (50 กก.)", "กระสอบ", 10, 280.0),
                 ("ตาข่ายพรางแสง 60% (2×100 ม.) สำหรับลานตากกาแฟ", "ม้วน", 1, 1250.0),
                 ("กรรไกรตัดแต่งกิ่ง", "อัน", 2, 200.0)),
    "ทำนาข้าวอินทรีย์": (("เมล็ดพันธุ์ข้าวหอมมะลิ 105 ชั้นพันธุ์ขยาย", "กก.", 150, 28.0),
                         ("ปุ๋ยอินทรีย์อัดเม็ด (50 กก.)", "กระสอบ", 8, 280.0),
                         ("สารเร่ง พด.1 ทำปุ๋ยหมัก", "ซอง", 20, 20.0)),
    "ปลูกกระเทียม": (("หัวพันธุ์กระเทียม", "กก.", 40, 110.0),
                     ("ฟางข้าวอัดก้อนคลุมแปลง", "ก้อน", 60, 25.0),
                     ("ปุ๋ยหมักมูลไก่ (25 กก.)", "กระสอบ", 10, 95.0)),
    "เลี้ยงผึ้ง": (("หีบเลี้ยงผึ้งโพรง", "หีบ", 10, 450.0),
                   ("ชุดป้องกันผึ้งพร้อมหมวกตาข่าย", "ชุด", 3, 450.0),
                   ("ถังกรองน้ำผึ้งสแตนเลส", "ใบ", 1, 1000.0)),
    "ปลูกผัก": (("เมล็ดพันธุ์ผักสลัด", "ซอง", 30, 65.0),
                ("ตาข่ายพรางแสง 60% (2×100 ม.)", "ม้วน", 2, 1250.0),
                ("สายยางรดน้ำ 4 หุน (100 ม.)", "ม้วน", 2, 600.0),
                ("ปุ๋ยอินทรีย์อัดเม็ด (50 กก.)", "กระสอบ", 4, 280.0)),
    "แปรรูปงา": (("เมล็ดพันธุ์งาขี้ม้อน", "กก.", 40, 80.0),
                 ("ถุงซิปล็อกบรรจุภัณฑ์พร้อมฉลาก", "แพ็ค", 30, 55.0),
                 ("ผ้าใบตากงา (4×6 ม.)", "ผืน", 4, 500.0)),
    "ปลูกไม้ผล": (("กิ่งพันธุ์อะโวคาโดพันธุ์แฮส", "ต้น", 40, 120.0),
                  ("ปุ๋ยอินทรีย์อัดเม็ด (50 กก.)", "กระสอบ", 5, 280.0),
                  ("กรรไกรตัดแต่งกิ่ง", "อัน", 3, 200.0)),
    "เลี้ยงโค": (("ท่อนพันธุ์หญ้าเนเปียร์ปากช่อง 1", "ท่อน", 1500, 2.0),
                 ("แร่ธาตุก้อนสำหรับโค", "ก้อน", 30, 60.0),
                 ("ยาถ่ายพยาธิโค", "ขวด", 10, 200.0)),
}
MEAL_PARTIAL = "ค่าอาหาร ฝึกอบรมประเภท ข ไม่ครบทุกมื้อ"
MEAL_FULL = "ค่าอาหาร ฝึกอบรมประเภท ข ครบทุกมื้อ"
SNACK = "ค่าอาหารว่างและเครื่องดื่ม"


def _weekday(day: dt.date) -> dt.date:
    """The day itself, or the Friday before when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _half(x: float) -> float:
    """To the nearest half point."""
    return round(x * 2) / 2


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _assessment_scores(rng: random.Random, indicators: list[tuple[str, float]], low: float, high: float,
                       base: dict[str, float] | None = None) -> dict[str, float]:
    """Scores in whole or half points, each within its indicator's points, totalling low..high.

    Without ``base`` the scores spread around the target; with it (round 2) they start from the
    round-1 scores and only rise, as a group that took part in the programme would.
    """
    target = rng.uniform(low, high - 1)
    if base is None:
        scores = {c: _half(min(p, max(0.0, p * target / 100 + rng.uniform(-1.0, 1.0)))) for c, p in indicators}
    else:
        scores = dict(base)
    points = dict(indicators)
    while sum(scores.values()) < target:
        code = rng.choice([c for c, _ in indicators if scores[c] < points[c]])
        scores[code] = min(points[code], scores[code] + rng.choice((0.5, 1.0)))
    floor = base or {c: 0.0 for c, _ in indicators}
    while sum(scores.values()) > high:
        code = rng.choice([c for c, _ in indicators if scores[c] > floor[c]])
        scores[code] -= 0.5
    return scores


def _full_name(m: dict[str, Any]) -> str:
    return f"{m['title']}{m['first_name']} {m['last_name']}"


def _sf_answers(rng: random.Random, sf: SmartFarmerCriteria, kind: str, income: float) -> tuple[str, dict[str, bool]]:
    """The planned Smart Farmer class of one member and self-assessment answers that give it."""
    yes: dict[str, bool] = {}
    if kind == "model":
        return sf.class_model, {i.code: True for i in sf.indicators}
    if kind == "existing":
        for q in sf.qualifications:
            picked = set(rng.sample([i.code for i in q.indicators], rng.randint(1, len(q.indicators))))
            yes.update({i.code: i.code in picked for i in q.indicators})
        if all(yes.values()):  # at least one indicator to work on, or it would be ต้นแบบ
            yes[rng.choice(sf.indicators).code] = False
        return sf.class_existing, yes
    yes = {i.code: rng.random() < 0.6 for i in sf.indicators}
    if income >= sf.income_threshold:  # passes the income test: misses a whole qualification
        for i in rng.choice(sf.qualifications).indicators:
            yes[i.code] = False
    return sf.class_developing, yes


def _programme(rng: random.Random, district_code: str, groups: list[dict[str, Any]],
               members: list[dict[str, Any]], officer: str) -> dict[str, list[dict[str, Any]]]:
    """The FY2564 programme sheets of one sample district (selection … budget).

    May adjust the selected group's registry rows so that the registry and the programme agree (its
    last 3ก level; the household income of members who pass Smart Farmer).
    """
    plan = PROGRAMME_PLAN.get(district_code)
    if plan is None:
        return {}
    category, past_years, sf_years, level1, level2 = plan
    crit = load_criteria(SAMPLE_YEAR)
    sf = crit.smart_farmer
    targets = crit.programme

    # ---------------------------------------------------------------- schedule
    nov = [dt.date(2020, 11, d) for d in range(16, 31)]
    phase1 = rng.choice([d for d in nov if d.weekday() < 5])
    round1 = _weekday(phase1 - dt.timedelta(days=rng.randint(5, 12)))
    feb_mar = [dt.date(2021, 2, 8) + dt.timedelta(days=i) for i in range(47)]
    phase2 = rng.choice([d for d in feb_mar if d.weekday() < 5])
    materials_day = _weekday(phase2 + dt.timedelta(days=rng.randint(21, 35)))

    # ---------------------------------------------------------------- selection (5.1.1)
    def attendees(g: dict[str, Any]) -> list[dict[str, Any]]:
        return [m for m in members if m["group"] == g["name"] and m["join_date"] < round1]

    candidates = [g for g in groups if g["established"].year <= 2017
                  and len(attendees(g)) >= targets.members_phase1_per_group]
    group = rng.choice([g for g in candidates if g["level"] == level1] or candidates)
    group["level"] = level1  # the registry's level is the group's last 3ก level
    name = group["name"]
    selection = [{
        "no": 1, "group": name, "category": category, "past_programme_years": past_years or None,
        "smart_farmer_years": sf_years or None, "past_level": level1, "smart_group": NO,
        "smart_group_model": NO, "learning_centre": YES if category == 1 else NO,
    }]

    # ---------------------------------------------------------------- 3ก rounds 1 and 2
    indicators = [(i.code, i.points) for i in crit.assessment.indicators]
    r1 = _assessment_scores(rng, indicators, *ROUND1_TOTAL[level1])
    r2 = _assessment_scores(rng, indicators, *ROUND2_TOTAL[level2], base=r1)
    for scores, level in ((r1, level1), (r2, level2)):
        assert score_assessment(scores, crit.assessment).level == level, (district_code, scores)
    assessment = [
        {"no": n, "group": name, "round": rnd, "date": day, "assessor": who,
         **{assessment_key(c): _number(v) for c, v in scores.items()}}
        for n, (rnd, day, who, scores) in enumerate(
            ((1, round1, officer, r1), (2, SEMINAR_DATE, f"{officer} และคณะทำงานจังหวัด", r2)), start=1)
    ]

    # ---------------------------------------------------------------- phase-1 members (5.1.2)
    pool = attendees(group)
    committee = [m for m in pool if m["role"] != "สมาชิก"]
    others = [m for m in pool if m["role"] == "สมาชิก"]
    chosen_ids = {m["citizen_id"] for m in committee[:targets.members_phase1_per_group]}
    chosen_ids |= {m["citizen_id"] for m in rng.sample(others, targets.members_phase1_per_group - len(chosen_ids))}
    phase1_members = [m for m in pool if m["citizen_id"] in chosen_ids]  # in the members sheet's order

    # ---------------------------------------------------------------- Smart Farmer self-assessment
    n_pass = rng.randint(targets.members_phase2_per_group + 1, targets.members_phase2_per_group + 3)
    threshold = sf.income_threshold
    rich = [m for m in phase1_members if m["household_income"] >= threshold]
    poor = [m for m in phase1_members if m["household_income"] < threshold]
    for m in rng.sample(poor, max(0, n_pass - len(rich))):
        # One household income in the registry, the same in the self-assessment.
        m["household_income"] = float(rng.randrange(int(threshold) + 2000, 300_000, 1000))
        rich.append(m)
    passers = rng.sample(rich, n_pass)
    models = rng.sample(passers, rng.choice((1, 1, 2)))
    planned: dict[str, str] = {}
    answers: dict[str, dict[str, bool]] = {}
    for m in phase1_members:
        kind = "model" if m in models else "existing" if m in passers else "developing"
        planned[m["citizen_id"]], answers[m["citizen_id"]] = _sf_answers(rng, sf, kind, m["household_income"])
    smart_farmer = []
    for n, m in enumerate(phase1_members, start=1):
        cid = m["citizen_id"]
        assert classify(answers[cid], m["household_income"], sf).cls == planned[cid], (district_code, cid)
        smart_farmer.append({"no": n, "citizen_id": cid, "name": _full_name(m), "date": phase1,
                             "income": m["household_income"],
                             **{sf_key(c): YES if v else NO for c, v in answers[cid].items()}})

    # ---------------------------------------------------------------- IFPP
    ifpp = []
    for n, m in enumerate(phase1_members, start=1):
        goal, production, marketing, social_env, contingency = IFPP_PLANS[m["main_activity"]]
        revenue = round(m["household_income"] * rng.uniform(0.45, 0.85) / 500) * 500.0
        cost = round(revenue * rng.uniform(0.35, 0.6) / 500) * 500.0
        ifpp.append({
            "no": n, "citizen_id": m["citizen_id"], "name": _full_name(m), "goal": goal,
            "production": production.format(area=f"{m['area_rai']:g}"), "marketing": marketing,
            "management": rng.choice(IFPP_MANAGEMENT), "social_env": social_env, "cost": cost,
            "revenue": revenue, "contingency": contingency,
            "linked_activity": f"{group['main_activity']}: {rng.choice(IFPP_GROUP_LINKS)}",
        })

    # ---------------------------------------------------------------- participation (5.1.2–5.1.5)
    n_models = len(models)
    phase2_ids = {m["citizen_id"] for m in models}
    phase2_ids |= {m["citizen_id"] for m in rng.sample([p for p in passers if p not in models],
                                                       targets.members_phase2_per_group - n_models)}
    capable_yes = (0.9, 0.7, 0.8, 0.6, 0.8)  # some areas are harder to master than others
    participation = []
    for n, m in enumerate(phase1_members, start=1):
        row: dict[str, Any] = {"no": n, "citizen_id": m["citizen_id"], "name": _full_name(m),
                               "phase1": YES, "phase1_date": phase1}
        if m["citizen_id"] in phase2_ids:
            row.update({"phase2": YES, "phase2_date": phase2, "seminar": YES, "seminar_date": SEMINAR_DATE})
            row.update({capable_key(k): YES if rng.random() < p else NO for k, p in enumerate(capable_yes, 1)})
        else:
            row.update({"phase2": NO, "seminar": NO})
        participation.append(row)

    # ---------------------------------------------------------------- budget
    activity = {a.code: a.name for a in crit.budget.activities}
    n1, n2 = targets.members_phase1_per_group, targets.members_phase2_per_group
    budget: list[dict[str, Any]] = []

    def line(code: str, day: dt.date, item: str, quantity: float, unit: str, price: float,
             note: str | None = None) -> None:
        budget.append({"no": len(budget) + 1, "activity": activity[code], "group": name, "date": day,
                       "item": item, "quantity": quantity, "unit": unit, "unit_price": price, "note": note})

    lunch, snack = rng.choice((100.0, 120.0, 150.0)), rng.choice((25.0, 30.0, 35.0))
    line("phase1", phase1, MEAL_PARTIAL, n1, "คน-วัน", lunch, f"{n1} คน × 1 วัน (อาหารกลางวัน)")
    line("phase1", phase1, SNACK, n1 * 2, "คน-มื้อ", snack, f"{n1} คน × 2 มื้อ")
    line("phase1", phase1, "ค่าวัสดุและเอกสารประกอบการเรียนรู้", n1, "ชุด", rng.choice((40.0, 50.0, 60.0)))
    line("phase2", phase2, MEAL_PARTIAL, n2, "คน-วัน", lunch, f"{n2} คน × 1 วัน (อาหารกลางวัน)")
    line("phase2", phase2, SNACK, n2 * 2, "คน-มื้อ", snack, f"{n2} คน × 2 มื้อ")
    if category == 1:
        for item, unit, quantity, price in MATERIALS[group["main_activity"]]:
            line("materials", materials_day, item, quantity, unit, price, "วัสดุการเกษตร")
        total = sum(b["quantity"] * b["unit_price"] for b in budget if b["activity"] == activity["materials"])
        assert total <= targets.materials_cap, (district_code, total)
    days = SEMINAR_DAYS
    line("seminar", SEMINAR_DATE, MEAL_FULL, n2 * days, "คน-วัน", rng.choice((250.0, 300.0)),
         f"{n2} คน × {days} วัน")
    line("seminar", SEMINAR_DATE, SNACK, n2 * days * 2, "คน-มื้อ", snack, f"{n2} คน × {days} วัน × 2 มื้อ")

    return {"selection": selection, "assessment": assessment, "smart_farmer": smart_farmer, "ifpp": ifpp,
            "participation": participation, "budget": budget}


# ============================================================ establishment of new groups (seed 004)
# FY2564 applications: Pai (5803) approved two new groups, the other districts one each; Mueang, Pai
# and Pang Mapha have one complete application waiting for the district's decision; Pang Mapha
# rejected one.  Each is complete (10+ applicants, committee, regulations, documents): no issues.
NEW_GROUP_IDEAS = [
    ("กลุ่มปลูกถั่วลายเสือ", "ปลูกถั่วลายเสือ"),
    ("กลุ่มเพาะเห็ดฟาง", "เพาะเห็ด"),
    ("กลุ่มแปรรูปกล้วยตาก", "แปรรูปกล้วย"),
    ("กลุ่มเลี้ยงไก่พื้นเมือง", "เลี้ยงไก่"),
    ("กลุ่มปลูกสตรอว์เบอร์รี", "ปลูกสตรอว์เบอร์รี"),
    ("กลุ่มทอผ้ากะเหรี่ยง", "ทอผ้า"),
]
ESTABLISH_PLAN = {"5801": ("อนุมัติ", "รอพิจารณา"), "5803": ("อนุมัติ", "อนุมัติ", "รอพิจารณา"),
                  "5804": ("อนุมัติ",), "5807": ("อนุมัติ", "ไม่อนุมัติ", "รอพิจารณา")}
ESTABLISH_ROLES = ["ประธาน", "เลขานุการ", "เหรัญญิก", "กรรมการ"]


def _establishment(rng: random.Random, district_code: str, used_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    area = district_area(district_code)
    tambons = area.tambon_names
    district = area.district.name_th
    approver = f"นาย{rng.choice(FIRST_M)} {rng.choice(LAST)}"
    establish: list[dict[str, Any]] = []
    applicants: list[dict[str, Any]] = []
    plan = ESTABLISH_PLAN.get(district_code, ("อนุมัติ",))
    approved_no = 0
    names_seen: set[tuple[str, str]] = set()
    ideas = rng.sample(NEW_GROUP_IDEAS, len(plan))
    for k, (decision, (name, main)) in enumerate(zip(plan, ideas, strict=True), start=1):
        tambon = rng.choice(tambons)
        applied = dt.date(2020, 11, 2) + dt.timedelta(days=rng.randint(0, 150))
        checked = applied + dt.timedelta(days=rng.randint(5, 20))
        row: dict[str, Any] = {
            "no": k, "name": name, "house_no": str(rng.randint(1, 250)), "moo": rng.randint(1, 12),
            "tambon": tambon, "main_activity": main, "applied": applied,
            **{key: "ใช่" for key in ("reg_shares", "reg_activities", "reg_money", "reg_membership",
                                      "reg_election", "reg_term", "reg_leaving", "doc_request",
                                      "doc_regulations", "doc_committee", "doc_members", "doc_plan")},
            "checker": _officer(rng),
            "checked": checked, "check_remarks": "เอกสารครบถ้วน", "decision": decision,
        }
        if decision == "อนุมัติ":
            approved_no += 1
            row.update({"certificate_no": f"{district_code}/2564/{approved_no:02d}",
                        "certificate_date": checked + dt.timedelta(days=rng.randint(3, 15)),
                        "approver": approver, "approver_position": f"เกษตรอำเภอ{district}"})
        elif decision == "ไม่อนุมัติ":
            row["check_remarks"] = "สมาชิกส่วนใหญ่อยู่ในกลุ่มเดิมแล้ว เสนอให้รวมกับกลุ่มเดิม"
        establish.append(row)
        for i in range(rng.randint(10, 14)):
            female = rng.random() < 0.5
            cid = ""
            while not cid or cid in used_ids:
                cid = make_citizen_id(rng)
            used_ids.add(cid)
            first, last = rng.choice(FIRST_F if female else FIRST_M), rng.choice(LAST)
            while (first, last) in names_seen:
                last = rng.choice(LAST) + rng.choice(["", "วงศ์", "สกุล", "ศักดิ์"])
            names_seen.add((first, last))
            applicants.append({
                "no": len(applicants) + 1, "group": name,
                "title": ("นาง" if rng.random() < 0.7 else "นางสาว") if female else "นาย",
                "first_name": first, "last_name": last, "citizen_id": cid,
                "birth_date": dt.date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28)),
                "house_no": str(rng.randint(1, 300)), "moo": rng.randint(1, 12), "tambon": tambon,
                "phone": "0" + rng.choice("689") + "".join(rng.choice("0123456789") for _ in range(8)),
                "farmer_id": "".join(rng.choice("0123456789") for _ in range(12)),
                "role": ESTABLISH_ROLES[i] if i < len(ESTABLISH_ROLES) else "สมาชิก",
                "main_activity": main, "area_rai": float(rng.randint(1, 25)),
            })
    return {"establish": establish, "applicants": applicants}


def sample_filename(district_code: str, year: int = SAMPLE_YEAR) -> str:
    return f"{district_code}-{district_area(district_code).district.name_en.replace(' ', '')}-{year}.xlsx"


def make_samples(folder: str | Path) -> list[Path]:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for code in SAMPLE_DISTRICTS:
        path = out / sample_filename(code)
        build_workbook(path, district_area(code), SAMPLE_YEAR, data=sample_data(code))
        paths.append(path)
    return paths
