"""Typed models of a district workbook's content.

Field names equal the column keys of the layout spec (``kaset_xl.workbook.layout``); a test keeps
the two in step.  ``row`` is the worksheet row the record was read from (1-based), so every rule can
point at a cell.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

__all__ = ["Identity", "DistrictInfo", "Group", "Member", "Record"]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    row: int


class Identity(BaseModel):
    model_config = ConfigDict(frozen=True)

    template_id: str
    template_version: str
    province_code: str
    district_code: str
    fiscal_year: int
    criteria: str = ""  # the criteria file the template was laid out from (e.g. "fy2564.toml")


class DistrictInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    province: str | None = None
    district: str | None = None
    fiscal_year: int | None = None
    office: str | None = None
    officer: str | None = None
    position: str | None = None
    phone: str | None = None
    email: str | None = None
    report_date: dt.date | None = None


class Group(Record):
    no: int | None = None
    name: str | None = None
    house_no: str | None = None
    moo: int | None = None
    tambon: str | None = None
    phone: str | None = None
    established: dt.date | None = None
    certificate_no: str | None = None
    member_count: int | None = None
    community_enterprise: bool | None = None
    fund: float | None = None
    income: float | None = None
    activities: str | None = None
    main_activity: str | None = None
    standard: str | None = None
    level: str | None = None
    lat: float | None = None
    lon: float | None = None


class Member(Record):
    no: int | None = None
    group: str | None = None
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    citizen_id: str | None = None
    birth_date: dt.date | None = None
    house_no: str | None = None
    moo: int | None = None
    tambon: str | None = None
    phone: str | None = None
    farmer_id: str | None = None
    role: str | None = None
    join_date: dt.date | None = None
    consent: bool | None = None
    main_activity: str | None = None
    area_rai: float | None = None
    household_income: float | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)
