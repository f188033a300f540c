"""The layout spec (the lowest layer): the column, table and sheet types of the district workbook and its
fixed sheets (office, registry, members).

Everything that needs to know where a value lives is derived from these declarations: the template builder
writes them, the reader finds columns by the Thai headers declared here, the validator reports cells through
them and ``kaset-xl schema`` prints them.  Adding a column is one change here (or, for the sheets laid out from
a fiscal year's criteria, in :mod:`kaset_xl.workbook.programme_sheets`).  :mod:`kaset_xl.workbook.layout` assembles
the whole workbook's layout from these and the criteria.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property, lru_cache
from typing import Any

from kaset_xl.workbook.sheetscan import col_name

__all__ = [
    "ColType",
    "Column",
    "Table",
    "COMPUTED_FILL",
    "Field",
    "FormSheet",
    "Layout",
    "GROUPS",
    "MEMBERS",
    "DISTRICT_INFO",
    "BE_HINT",
    "TEMPLATE_ID",
    "TEMPLATE_VERSION",
    "SUPPORTED_VERSIONS",
    "STATIC_LISTS",
    "COMMITTEE_ROLES",
    "normalize_header",
    "version_tuple",
    "col_letter",
    "cell_name",
    "FISCAL_WINDOW",
    "SINCE_2500",
]


def col_letter(index: int) -> str:
    """A 0-based column index as its letters (0 → A, 26 → AA), as xlsxwriter's ``xl_col_to_name``
    without importing xlsxwriter on a button's click."""
    return col_name(index + 1)


def cell_name(row: int, col: int) -> str:
    """0-based row and column → A1 (as xlsxwriter's ``xl_rowcol_to_cell``)."""
    return f"{col_name(col + 1)}{row + 1}"

TEMPLATE_ID = "kaset_xl.district"
TEMPLATE_VERSION = "1.1"  # 1.1: the group-establishment sheets (issue 6)
SUPPORTED_VERSIONS = ("1.0", "1.1")


def version_tuple(version: str) -> tuple[int, ...]:
    """"1.10" > "1.9": template versions compare as numbers."""
    return tuple(int(p) for p in version.split(".") if p.isdigit())


class ColType(str, Enum):
    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    DATE = "date"
    CITIZEN_ID = "citizen_id"  # 13 digits, kept as text
    FARMER_ID = "farmer_id"  # 12 digits, kept as text
    PHONE = "phone"  # kept as text
    CHOICE = "choice"  # one of a dropdown list
    YESNO = "yesno"
    TAMBON = "tambon"  # a tambon of the district (dropdown)
    GROUP = "group"  # a group name from the registry (dropdown)


# Dropdown sources that do not depend on the district.  Roles: the committee roles of seed 004
# (ประธาน, เลขานุการ, เหรัญญิก) plus the positions groups commonly elect "by resolution".
COMMITTEE_ROLES = ("ประธาน", "รองประธาน", "เลขานุการ", "เหรัญญิก", "กรรมการ", "ผู้ช่วยเลขานุการ",
                   "ประชาสัมพันธ์", "ปฏิคม", "ผู้ตรวจสอบบัญชี")
STATIC_LISTS: dict[str, tuple[str, ...]] = {
    "title": ("นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "จ.ส.อ.", "ด.ช.", "ด.ญ."),
    "role": ("สมาชิก", *COMMITTEE_ROLES),
    "yesno": ("ใช่", "ไม่ใช่"),
    "level": ("ดี", "ปานกลาง", "ปรับปรุง"),
    "standard": ("ไม่มี", "GAP", "เกษตรอินทรีย์", "PGS", "GMP", "มผช.", "ฮาลาล", "อื่น ๆ"),
}
DYNAMIC_LISTS = ("tambon", "group", "new_group")  # new_group: the names of the establishment sheet


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    header_en: str
    type: ColType
    required: bool = False
    choices: str | None = None  # a key of STATIC_LISTS or DYNAMIC_LISTS
    strict: bool = True  # the dropdown refuses other values (else: warns only)
    width: float = 14.0
    low: float | None = None
    high: float | None = None
    hint: str = ""  # shown by Excel when the cell is selected
    counts_as_data: bool = True  # False: a row with only this column filled is blank (e.g. ลำดับ)
    band: str | None = None  # a group label above the header (3ก area, Smart Farmer qualification)
    computed: str | None = None  # "formula": a live formula of the template; "result": written by score
    formula: str | None = None  # with {column_key} → column letter and {row} → the row number
    date_rule: str | None = None  # a DATE column's plausible years: FISCAL_WINDOW or SINCE_2500 (issue 13)
    num_format: str | None = None  # the cells' number format where not the type's (coordinates: 4 decimals)

    @property
    def number_format(self) -> str:
        return self.num_format or number_format(self.type)

    @property
    def is_input(self) -> bool:
        return self.computed is None

    @property
    def header_label(self) -> str:
        """The header as written in the template (required columns carry ' *')."""
        return f"{self.header} *" if self.required else self.header


COMPUTED_FILL = "#F2F2F2"  # cells the program fills: locked, grey (the builder's format; the buttons restore it)


@dataclass(frozen=True)
class Table:
    key: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    capacity: int  # rows prepared with dropdowns and formats
    header_row: int = 4  # 1-based
    landscape: bool = True
    note: str = "ช่องที่มีเครื่องหมาย * ต้องกรอก • วันที่แบบ วัน/เดือน/ปี พ.ศ. • เลือกจากรายการเมื่อมีลูกศร"
    since: str | None = None  # the template version that added the sheet: older workbooks may lack it

    @property
    def optional(self) -> bool:
        """A sheet added after template 1.0: a workbook of an older version is read without it."""
        return self.since is not None

    def missing_allowed(self, version: str) -> bool:
        """Whether a workbook of template ``version`` may lack this sheet (made before it existed)."""
        return self.since is not None and version_tuple(version) < version_tuple(self.since)

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    @property
    def last_data_row(self) -> int:
        return self.header_row + self.capacity

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def letter(self, key: str) -> str:
        """The column letter of ``key`` in the template as built (the reader may find it moved)."""
        return col_letter(self.index(key))

    @cached_property
    def inputs(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_input)

    @cached_property
    def formula_columns(self) -> tuple[Column, ...]:
        """The columns with a live formula (``computed="formula"``)."""
        return tuple(c for c in self.columns if c.formula)

    def formula_rows(self, last_in_use: int | None, margin: int) -> range:
        """The worksheet rows that carry the live formulas: from the first data row to ``margin`` rows below
        ``last_in_use`` (the last row with data; ``None``: none yet), within the capacity.

        Formulas down to the capacity were 41 % of a workbook's XML (issue 17): a template holds them in its
        first page's rows only; ``score``, the buttons and the builder (for a filled workbook) extend them to the
        rows in use and the rest of the printed page they end on (``printing.live_rows``; see
        ``docs/developer.md``, "Live formulas in the rows in use").
        """
        last = max(last_in_use or 0, self.header_row) + margin
        return range(self.first_data_row, min(last, self.last_data_row) + 1)

    def formula_at(self, col: Column, row: int) -> str:
        """The live formula of ``col`` on worksheet row ``row``."""
        assert col.formula is not None
        return col.formula.format(row=row, **{c.key: self.letter(c.key) for c in self.columns})

    def index(self, key: str) -> int:
        for i, col in enumerate(self.columns):
            if col.key == key:
                return i
        raise KeyError(key)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    label_en: str
    type: ColType
    row: int  # 1-based row on the form sheet; label in column B, value in column C
    required: bool = False
    prefilled: bool = False  # written by the template and locked
    hint: str = ""
    date_rule: str | None = None  # as Column.date_rule

    @property
    def cell(self) -> str:
        return f"C{self.row}"


@dataclass(frozen=True)
class FormSheet:
    key: str
    sheet: str
    title: str
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


@dataclass(frozen=True)
class Layout:
    template_id: str
    version: str
    instructions_sheet: str
    info: FormSheet
    tables: tuple[Table, ...]
    lists_sheet: str
    meta_sheet: str
    meta_keys: tuple[str, ...] = field(default=())
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # static + criteria-derived dropdowns
    summary_sheet: str | None = None  # written by score

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    @property
    def sheet_order(self) -> tuple[str, ...]:
        summary = (self.summary_sheet,) if self.summary_sheet else ()
        return (self.instructions_sheet, self.info.sheet, *(t.sheet for t in self.tables), *summary,
                self.lists_sheet, self.meta_sheet)

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain data (``kaset-xl schema --json``)."""

        def col(c: Column, t: Table) -> dict[str, Any]:
            return {
                "key": c.key, "header": c.header_label, "header_en": c.header_en, "letter": t.letter(c.key),
                "type": c.type.value, "required": c.required, "choices": c.choices,
                "strict": c.strict, "width": c.width, "low": c.low, "high": c.high,
                "number_format": c.number_format, "band": c.band, "computed": c.computed,
                "formula": t.formula_at(c, t.first_data_row) if c.formula else None,
            }

        return {
            "template_id": self.template_id,
            "template_version": self.version,
            "sheets": [
                {"key": "instructions", "name": self.instructions_sheet, "kind": "instructions"},
                {
                    "key": self.info.key, "name": self.info.sheet, "kind": "form", "title": self.info.title,
                    "fields": [
                        {"key": f.key, "label": f.label, "label_en": f.label_en, "type": f.type.value,
                         "cell": f.cell, "required": f.required, "prefilled": f.prefilled,
                         "number_format": number_format(f.type)}
                        for f in self.info.fields
                    ],
                },
                *(
                    {
                        "key": t.key, "name": t.sheet, "kind": "table", "title": t.title,
                        "header_row": t.header_row, "first_data_row": t.first_data_row,
                        "capacity": t.capacity, "since": t.since, "columns": [col(c, t) for c in t.columns],
                    }
                    for t in self.tables
                ),
                *([{"key": "summary", "name": self.summary_sheet, "kind": "results"}] if self.summary_sheet else []),
                {"key": "lists", "name": self.lists_sheet, "kind": "lists", "hidden": True,
                 "lists": {k: list(v) for k, v in self.lists.items()} | {k: "dynamic" for k in DYNAMIC_LISTS}},
                {"key": "meta", "name": self.meta_sheet, "kind": "identity", "hidden": "very",
                 "keys": list(self.meta_keys)},
            ],
        }


DATE_FORMAT = "[$-1070000]dd/mm/yyyy;@"  # Thai locale, Buddhist-era year: 05/12/2563 (one date format, issue 15)
NUMBER_FORMATS = {
    ColType.DATE: DATE_FORMAT,
    ColType.INT: "#,##0",
    ColType.NUMBER: "#,##0.00",
    ColType.CITIZEN_ID: "@",
    ColType.FARMER_ID: "@",
    ColType.PHONE: "@",
    ColType.TEXT: "@",
}


COORDINATE_FORMAT = "0.0000"  # latitude/longitude: 4 decimals (about 11 m)
WHOLE_OR_FRACTION = "General"  # a quantity (people, days, people-days): 40, not 40.00; a fraction still shows


def number_format(t: ColType) -> str:
    return NUMBER_FORMATS.get(t, "General")


def normalize_header(text: object) -> str:
    """Header text as compared by the reader, for input and computed columns alike: no '*' marker, no
    whitespace at all ('ระดับ(คำนวณ)' = 'ระดับ (คำนวณ)'), no invisible characters, case folded
    ('smart group' = 'Smart Group')."""
    return _normalize_header_text(text if isinstance(text, str) else str(text or ""))


_INVISIBLE_IN_HEADERS = dict.fromkeys((0x00AD, 0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2060, 0x206A),
                                       0xFEFF))


# A 3ก indicator's header ends with its points, "(5 คะแนน)" (issue 15): a workbook made before, without them,
# reads the same.
_POINTS_SUFFIX = re.compile(r"\(\d+(?:\.\d+)?คะแนน\)$")


@lru_cache(maxsize=4096)
def _normalize_header_text(text: str) -> str:
    squashed = "".join(text.replace("*", " ").translate(_INVISIBLE_IN_HEADERS).split())
    return _POINTS_SUFFIX.sub("", squashed).casefold()


C = Column
T = ColType
BE_HINT = "วัน/เดือน/ปี พ.ศ. เช่น 12/12/2563"
# Column.date_rule: dates that must lie in the workbook's fiscal year ± 1 (reports, assessments, training,
# budget), and dates that cannot be before 2500 BE (1957: joining a group).  A date outside is reported with
# the date probably meant (a 2-digit year typed into a date cell is stored as 19YY: see registry.Checker.date).
FISCAL_WINDOW = "fiscal_year"
SINCE_2500 = "since_2500"

GROUPS = Table(
    key="groups",
    sheet="ทะเบียนกลุ่ม",
    title="ทะเบียนกลุ่มส่งเสริมอาชีพการเกษตร",
    capacity=200,
    columns=(
        C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False),
        C("name", "ชื่อกลุ่ม", "Group name", T.TEXT, required=True, width=22,
          hint="ขึ้นต้นด้วยคำว่า “กลุ่ม” เช่น กลุ่มปลูกผัก"),
        C("house_no", "เลขที่", "House no.", T.TEXT, width=6),
        C("moo", "หมู่ที่", "Moo", T.INT, width=5, low=1, high=99),
        C("tambon", "ตำบล", "Tambon", T.TAMBON, required=True, choices="tambon", width=10),
        C("phone", "โทรศัพท์มือถือ", "Mobile phone", T.PHONE, width=11, hint="เช่น 0812345678"),
        C("established", "วันที่จัดตั้ง", "Established", T.DATE, required=True, width=10, hint=BE_HINT),
        C("certificate_no", "เลขที่ใบรับรอง", "Certificate no.", T.TEXT, width=13),
        C("member_count", "จำนวนสมาชิก (คน)", "Members", T.INT, required=True, width=8, low=0, high=10000),
        C("community_enterprise", "จดทะเบียนวิสาหกิจชุมชน", "Community enterprise", T.YESNO,
          choices="yesno", width=8),
        C("fund", "เงินทุนกลุ่ม (บาท)", "Group fund (baht)", T.NUMBER, width=11, low=0),
        C("income", "รายได้กลุ่ม (บาท/ปี)", "Group income (baht/yr)", T.NUMBER, width=11, low=0),
        C("activities", "กิจกรรมของกลุ่ม", "Activities", T.TEXT, width=18),
        C("main_activity", "กิจกรรมหลัก", "Main activity", T.TEXT, required=True, width=14),
        C("standard", "มาตรฐานการผลิต", "Production standard", T.CHOICE, choices="standard",
          strict=False, width=11),  # "เกษตรอินทรีย์" on one line
        C("level", "ระดับการประเมินศักยภาพ", "Assessment level", T.CHOICE, choices="level", width=8),
        C("lat", "ละติจูด", "Latitude", T.NUMBER, width=8, num_format=COORDINATE_FORMAT, hint="องศาทศนิยม เช่น 19.3586"),
        C("lon", "ลองจิจูด", "Longitude", T.NUMBER, width=8, num_format=COORDINATE_FORMAT, hint="องศาทศนิยม เช่น 98.4401"),
    ),
)

MEMBERS = Table(
    key="members",
    sheet="สมาชิก",
    title="ทะเบียนสมาชิกกลุ่มส่งเสริมอาชีพการเกษตร",
    capacity=2000,
    columns=(
        C("no", "ลำดับ", "No.", T.INT, width=5, counts_as_data=False),
        C("group", "ชื่อกลุ่ม", "Group", T.GROUP, required=True, choices="group", width=20,
          hint="เลือกจากชื่อกลุ่มในชีตทะเบียนกลุ่ม"),
        C("title", "คำนำหน้า", "Title", T.CHOICE, required=True, choices="title", strict=False, width=7),
        C("first_name", "ชื่อ", "First name", T.TEXT, required=True, width=10),
        C("last_name", "นามสกุล", "Surname", T.TEXT, required=True, width=10),
        C("citizen_id", "เลขประจำตัวประชาชน", "Citizen ID", T.CITIZEN_ID, required=True, width=14,
          hint="ตัวเลข 13 หลัก ไม่ต้องมีขีด"),
        C("birth_date", "วันเกิด", "Birth date", T.DATE, width=10, hint=BE_HINT),
        C("house_no", "บ้านเลขที่", "House no.", T.TEXT, width=6),
        C("moo", "หมู่ที่", "Moo", T.INT, width=5, low=1, high=99),
        C("tambon", "ตำบล", "Tambon", T.TAMBON, required=True, choices="tambon", strict=False, width=10),
        C("phone", "โทรศัพท์", "Phone", T.PHONE, width=11),
        C("farmer_id", "เลขทะเบียนเกษตรกร", "Farmer registration no.", T.FARMER_ID, width=13,
          hint="ทะเบียนเกษตรกร (ทบก.) 12 หลัก"),
        C("role", "ตำแหน่งในกลุ่ม", "Role", T.CHOICE, required=True, choices="role", width=9),
        C("join_date", "วันที่เข้าเป็นสมาชิก", "Join date", T.DATE, width=10, hint=BE_HINT, date_rule=SINCE_2500),
        C("consent", "สมัครใจเข้าร่วม", "Voluntary consent", T.YESNO, required=True, choices="yesno", width=7),
        C("main_activity", "กิจกรรมการเกษตรหลัก", "Main farm activity", T.TEXT, width=12),
        C("area_rai", "พื้นที่การผลิต (ไร่)", "Production area (rai)", T.NUMBER, width=8, low=0, high=100000),
        C("household_income", "รายได้ภาคเกษตรของครัวเรือน (บาท/ปี)", "Household farm income (baht/yr)",
          T.NUMBER, width=12, low=0),
    ),
)

F = Field
DISTRICT_INFO = FormSheet(
    key="info",
    sheet="ข้อมูลอำเภอ",
    title="ข้อมูลสำนักงานเกษตรอำเภอ",
    fields=(
        F("province", "จังหวัด", "Province", T.TEXT, 4, prefilled=True),
        F("district", "อำเภอ", "District", T.TEXT, 5, prefilled=True),
        F("fiscal_year", "ปีงบประมาณ (พ.ศ.)", "Fiscal year (BE)", T.INT, 6, prefilled=True),
        F("office", "หน่วยงาน", "Office", T.TEXT, 7, required=True),
        F("officer", "ผู้รับผิดชอบ", "Responsible officer", T.TEXT, 8, required=True),
        F("position", "ตำแหน่ง", "Position", T.TEXT, 9),
        F("phone", "โทรศัพท์", "Phone", T.PHONE, 10, required=True),
        F("email", "อีเมล", "E-mail", T.TEXT, 11),
        F("report_date", "วันที่รายงาน", "Report date", T.DATE, 12, required=True, hint=BE_HINT,
          date_rule=FISCAL_WINDOW),
    ),
)
