"""Sample district workbooks for Mae Hong Son (fictional people, checksum-valid IDs).

``make_samples(folder)`` is reproducible: the same code writes the same workbooks.  The shipped
copies live in ``workbooks/`` (made by ``python scripts/make_samples.py``); ``kaset-xl demo`` runs
on them, or on a fresh set in a temporary folder when the package is installed without them.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from stdnum.th import pin

from kaset_xl.areas import district_area
from kaset_xl.workbook.builder import WorkbookData, build_workbook

__all__ = ["SAMPLE_DISTRICTS", "SAMPLE_YEAR", "make_samples", "sample_folder", "sample_data", "make_citizen_id"]

SAMPLE_YEAR = 2564
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
            # Everyone joined before the report date (15/12/2563), so the samples validate clean then too.
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
    info = {
        "office": f"สำนักงานเกษตรอำเภอ{area.district.name_th}",
        "officer": f"{rng.choice(['นาย', 'นางสาว'])}{rng.choice(FIRST_M + FIRST_F)} {rng.choice(LAST)}",
        "position": "นักวิชาการส่งเสริมการเกษตรชำนาญการ",
        "phone": "053" + "".join(rng.choice("0123456789") for _ in range(6)),
        "email": f"aedo{district_code}@example.go.th",
        "report_date": dt.date(2020, 12, 15),
    }
    return WorkbookData(info=info, tables={"groups": groups, "members": members},
                        created=dt.datetime(2020, 10, 1, 8, 30))


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


def sample_folder() -> Path:
    """The shipped ``workbooks/`` folder (checkout or current folder), else a freshly made set."""
    for base in (Path(__file__).resolve().parent.parent, Path.cwd()):
        folder = base / "workbooks"
        if any(folder.glob("*.xlsx")):
            return folder
    tmp = Path(tempfile.mkdtemp(prefix="kaset-samples-"))
    make_samples(tmp)
    return tmp
