"""Administrative areas (DOPA codes) from the geothai package (data CC-BY-4.0)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kaset_xl.issues import KasetError

if TYPE_CHECKING:
    import geothai.types

# geothai is imported only where its search API is used (resolving names typed on the command line): importing
# it builds its typing.Literal aliases of every area code and name, ~25–30 ms that every ``validate`` and button
# click would pay for one district.  A district's area is read from geothai's own data files instead, into the
# small records below (geothai's field names; tests/test_server.py checks they agree with geothai's API).


class Province(NamedTuple):
    code: str
    name_th: str
    name_en: str


class District(NamedTuple):
    code: str
    name_th: str
    name_en: str
    province_code: str


class Subdistrict(NamedTuple):
    code: str
    name_th: str
    name_en: str
    district_code: str
    province_code: str
    postal_codes: tuple[str, ...]

__all__ = ["DistrictArea", "resolve_province", "resolve_district", "district_area", "normalize_tambon"]


def _norm(text: str) -> str:
    s = "".join(str(text).split()).lower()
    for prefix in ("จังหวัด", "จ.", "อำเภอ", "อ.", "เขต", "province", "district"):
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix):]
    return s


def resolve_province(value: str) -> geothai.types.Province:
    """A province from its 2-digit code, Thai name or English name."""
    import geothai

    v = str(value).strip()
    if v.isdigit():
        found = geothai.province(v.zfill(2))
        if found:
            return found
    else:
        key = _norm(v)
        for p in geothai.provinces():
            if key in (_norm(p.name_th), _norm(p.name_en)):
                return p
    raise KasetError("UNKNOWN_PROVINCE", value=value)


def resolve_district(province: geothai.types.Province | Province, value: str) -> geothai.types.District:
    """A district of ``province`` from its 4-digit code, Thai or English name.

    "เมือง" alone means the province's capital district (อำเภอเมือง…).
    """
    import geothai

    v = str(value).strip()
    candidates = geothai.districts(province.code)
    if v.isdigit():
        for d in candidates:
            if d.code == v or d.code == province.code + v.zfill(2):
                return d
    else:
        key = _norm(v)
        found = [d for d in candidates if key in (_norm(d.name_th), _norm(d.name_en))]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise KasetError("DISTRICT_AMBIGUOUS", value=value, province=province.name_th,
                             codes=", ".join(f"{d.code} {d.name_th}" for d in found))
        if key in ("เมือง", "mueang", "muang"):
            for d in candidates:
                if d.code.endswith("01"):
                    return d
    raise KasetError("UNKNOWN_DISTRICT", value=value, province=province.name_th)


@dataclass(frozen=True)
class DistrictArea:
    province: Province
    district: District
    tambons: tuple[Subdistrict, ...]

    @property
    def tambon_names(self) -> tuple[str, ...]:
        return tuple(t.name_th for t in self.tambons)


@cache
def district_area(district_code: str) -> DistrictArea:
    d = _district(district_code)
    if d is None:
        raise KeyError(district_code)
    p = _province(d.province_code)
    assert p is not None
    return DistrictArea(province=p, district=d, tambons=_tambons(d.code))


@cache  # read once a process: a consolidation worker reads hundreds of districts (~3 ms a read of subdistricts)
def _rows(name: str) -> tuple[tuple[str, ...], ...]:
    # found without importing geothai (importlib.resources.files would run its __init__)
    spec = find_spec("geothai")
    folder = next(iter(spec.submodule_search_locations or ())) if spec is not None else None
    if folder is None:
        raise FileNotFoundError("geothai")
    rows = json.loads((Path(folder) / "_data" / f"{name}.json").read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise ValueError(name)
    return tuple(tuple(r) for r in rows)


@cache
def _tambon_rows() -> dict[str, list[tuple[str, ...]]]:
    by_district: dict[str, list[tuple[str, ...]]] = {}
    for row in _rows("subdistricts"):
        by_district.setdefault(row[0][:4], []).append(row)
    return by_district


def _district(code: str) -> District | None:
    """A district from geothai's data file (as geothai reads it); through geothai's API when that file is
    not where geothai 3 keeps it."""
    try:
        for c, name_th, name_en in _rows("districts"):
            if c == code:
                return District(c, name_th, name_en, c[:2])
        return None
    except Exception:  # another layout of geothai's data: its public API
        import geothai

        found = geothai.district(code)
        return District(found.code, found.name_th, found.name_en, found.province_code) if found else None


def _province(code: str) -> Province | None:
    try:
        for c, name_th, name_en in _rows("provinces"):
            if c == code:
                return Province(c, name_th, name_en)
        return None
    except Exception:  # another layout of geothai's data: its public API
        import geothai

        found = geothai.province(code)
        return Province(found.code, found.name_th, found.name_en) if found else None


def _tambons(district_code: str) -> tuple[Subdistrict, ...]:
    """The district's subdistricts, sorted by code, without geothai building its index of all 7,436 (≈ 25 ms
    on a button's first click): the rows of geothai's own data file filtered by the district code; through
    geothai's API when that file is not where geothai 3 keeps it.  (tests/test_server.py checks both ways
    agree for every district.)"""
    try:
        found = tuple(sorted((Subdistrict(code, name_th, name_en, code[:4], code[:2], tuple(postal.split(" ")))
                              for code, name_th, name_en, postal in _tambon_rows().get(district_code, ())),
                             key=lambda t: t.code))
    except Exception:  # another layout of geothai's data: its public API
        found = ()
    if found:
        return found
    import geothai

    return tuple(Subdistrict(t.code, t.name_th, t.name_en, t.district_code, t.province_code, tuple(t.postal_codes))
                 for t in geothai.subdistricts(district_code))


@lru_cache(maxsize=4096)  # a district's few tambon names, typed on every row
def normalize_tambon(name: str) -> str:
    s = _norm(name)
    for prefix in ("ตำบล", "ต.", "แขวง"):
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix):]
    return s
