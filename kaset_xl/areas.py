"""Administrative areas (DOPA codes) from the geothai package (data CC-BY-4.0)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import geothai
from geothai.types import District, Province, Subdistrict

from kaset_xl.issues import KasetError

__all__ = ["DistrictArea", "resolve_province", "resolve_district", "district_area", "normalize_tambon"]


def _norm(text: str) -> str:
    s = "".join(str(text).split()).lower()
    for prefix in ("จังหวัด", "จ.", "อำเภอ", "อ.", "เขต", "province", "district"):
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix):]
    return s


def resolve_province(value: str) -> Province:
    """A province from its 2-digit code, Thai name or English name."""
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


def resolve_district(province: Province, value: str) -> District:
    """A district of ``province`` from its 4-digit code, Thai or English name.

    "เมือง" alone means the province's capital district (อำเภอเมือง…).
    """
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
    d = geothai.district(district_code)
    if d is None:
        raise KeyError(district_code)
    p = geothai.province(d.province_code)
    assert p is not None
    return DistrictArea(province=p, district=d, tambons=_tambons(d.code))


def _tambons(district_code: str) -> tuple[Subdistrict, ...]:
    """The district's subdistricts, sorted by code, without geothai building its index of all 7,436 (≈ 25 ms
    on a button's first click): the rows of geothai's own data file filtered by the district code, made
    into geothai's ``Subdistrict``; through geothai's API when that file is not where geothai 3 keeps it.
    (tests/test_server.py checks both ways agree for every district.)"""
    try:
        import json
        from importlib.resources import files

        rows = json.loads(files("geothai").joinpath("_data/subdistricts.json").read_text(encoding="utf-8"))
        found = tuple(sorted((Subdistrict(code, name_th, name_en, code[:4], code[:2], tuple(postal.split(" ")))
                              for code, name_th, name_en, postal in rows if code[:4] == district_code),
                             key=lambda t: t.code))
    except Exception:  # another layout of geothai's data: its public API
        found = ()
    return found or tuple(geothai.subdistricts(district_code))


@lru_cache(maxsize=4096)  # a district's few tambon names, typed on every row
def normalize_tambon(name: str) -> str:
    s = _norm(name)
    for prefix in ("ตำบล", "ต.", "แขวง"):
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix):]
    return s
