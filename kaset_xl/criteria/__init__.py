"""Criteria as data: one TOML file per fiscal year, validated by a pydantic schema.

``load_criteria(2564)`` returns the shipped file of that year (or of the nearest earlier year);
``load_criteria(path=...)`` reads a province's own file.  A malformed file raises KasetError with
the place of the problem in that file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from functools import cache
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kaset_xl.issues import KasetError

__all__ = ["Criteria", "RegistryRules", "CriteriaMeta", "load_criteria", "shipped_years"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriteriaMeta(_Strict):
    fiscal_year: int = Field(ge=2500, le=2700)
    provisional: bool = True
    note_th: str = ""
    note_en: str = ""


class RegistryRules(_Strict):
    group_name_prefix: str = "กลุ่ม"
    committee_min: int = Field(3, ge=1)
    committee_required_roles: tuple[str, ...] = ("ประธาน", "เลขานุการ", "เหรัญญิก")
    member_role: str = "สมาชิก"
    members_min: int = Field(10, ge=1)
    member_age_min: int = Field(15, ge=0)
    member_age_max: int = Field(100, ge=1)
    earliest_date: dt.date = dt.date(1900, 1, 1)
    lat_min: float = 5.5
    lat_max: float = 20.5
    lon_min: float = 97.3
    lon_max: float = 105.7


class Criteria(_Strict):
    meta: CriteriaMeta
    registry: RegistryRules = RegistryRules()
    source: str = ""


_FILE = re.compile(r"^fy(\d{4})\.toml$")


@cache
def shipped_years() -> tuple[int, ...]:
    names = [p.name for p in files("kaset_xl.criteria").iterdir()]
    return tuple(sorted(int(m.group(1)) for n in names if (m := _FILE.match(n))))


def load_criteria(fiscal_year: int | None = None, *, path: str | os.PathLike[str] | None = None) -> Criteria:
    if path is not None:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KasetError("FILE_NOT_FOUND", file=str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise KasetError("CRITERIA_INVALID", file=str(path), where="-", detail=str(exc)[:160]) from None
        return _parse(text, str(path))
    return _shipped(fiscal_year)


@cache
def _shipped(fiscal_year: int | None) -> Criteria:
    years = shipped_years()
    usable = [y for y in years if fiscal_year is None or y <= fiscal_year] or [years[0]]
    year = max(usable)
    text = files("kaset_xl.criteria").joinpath(f"fy{year}.toml").read_text(encoding="utf-8")
    return _parse(text, f"kaset_xl/criteria/fy{year}.toml")


def _parse(text: str, source: str) -> Criteria:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KasetError("CRITERIA_INVALID", file=source, where=str(exc).split("(")[-1].rstrip(")"),
                         detail=str(exc)) from None
    try:
        return Criteria(**raw, source=source)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise KasetError("CRITERIA_INVALID", file=source, where=where, detail=err["msg"]) from None
