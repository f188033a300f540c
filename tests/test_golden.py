"""Golden workbooks: each file gives exactly the issues planned in its ``.expected.json``.

The goldens and their plans are written by ``tests/golden/make_golden.py``; a test here checks that
the committed files are what the script makes today.  Tests assert codes and cells, never prose.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import python_calamine as pc

from kaset_xl.issues import catalogue
from kaset_xl.validate import validate_file
from support import golden_script

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2026, 1, 15)  # the dates in the goldens are chosen relative to this day
FILES = sorted(GOLDEN.glob("*.xlsx"))


def _script() -> ModuleType:
    return golden_script("make_golden")


def _expected(path: Path) -> list[dict[str, str]]:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def _key(d: dict[str, str | None]) -> tuple[str, str | None, str | None]:
    return (d["code"], d["sheet"], d["cell"])


def test_goldens_exist() -> None:
    names = {p.name for p in FILES}
    assert {"good-5803.xlsx", "good-5801-thai-typing.xlsx", "bad-registry.xlsx"} <= names
    for p in FILES:
        assert p.with_suffix(".expected.json").is_file(), p.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_issues_exactly_as_planned(path: Path) -> None:
    result = validate_file(path, today=TODAY)
    got = Counter(_key(i.model_dump()) for i in result.issues)
    want = Counter(_key(e) for e in _expected(path))
    missing, extra = want - got, got - want
    assert not missing and not extra, f"missing: {sorted(missing.elements())}\nextra: {sorted(extra.elements())}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_exit_code(path: Path) -> None:
    result = validate_file(path, today=TODAY)
    if path.name.startswith("good-"):  # no errors; warnings only where planned (a date cell storing 2563 CE)
        assert all(i.severity.value == "warning" for i in result.issues)
        assert all(e["code"] == "DATE_STORED_YEAR_TOO_LATE" for e in _expected(path))
        assert result.exit_code == 0
    else:
        assert path.name.startswith("bad-"), "golden files are named good-* or bad-*"
        assert result.exit_code == 1


def test_expected_codes_are_catalogued() -> None:
    codes = catalogue()
    for path in FILES:
        for e in _expected(path):
            assert set(e) == {"code", "sheet", "cell"}
            assert e["code"] in codes, e


def test_bad_registry_plants_enough_problems() -> None:
    planted = _expected(GOLDEN / "bad-registry.xlsx")
    keys = [_key(e) for e in planted]
    assert len(set(keys)) == len(keys) >= 25
    wanted = {
        "REQUIRED_MISSING", "INVALID_DATE", "INVALID_NUMBER", "NOT_WHOLE_NUMBER", "NUMBER_OUT_OF_RANGE",
        "CHOICE_NOT_ALLOWED", "CITIZEN_ID_FORMAT", "CITIZEN_ID_CHECKSUM", "CITIZEN_ID_PREFIX",
        "FARMER_ID_FORMAT", "PHONE_FORMAT", "DATE_IN_FUTURE", "DATE_IMPLAUSIBLE", "LATLON_OUT_OF_RANGE",
        "GROUP_NAME_PREFIX", "GROUP_NAME_DUPLICATE", "GROUP_TAMBON_UNKNOWN", "GROUP_UNKNOWN",
        "GROUP_NO_MEMBERS", "GROUP_TOO_FEW_MEMBERS", "MEMBER_COUNT_MISMATCH", "COMMITTEE_TOO_SMALL",
        "COMMITTEE_ROLE_MISSING", "COMMITTEE_ROLE_REPEATED", "PERSON_DUPLICATE", "PERSON_IN_MANY_GROUPS",
        "PERSON_SAME_NAME", "CONSENT_NOT_GIVEN", "MEMBER_OUTSIDE_DISTRICT", "MEMBER_AGE_IMPLAUSIBLE",
        "JOIN_BEFORE_ESTABLISHED", "JOIN_BEFORE_BIRTH", "IDENTITY_MISMATCH",
    }
    assert wanted <= {e["code"] for e in planted}


def test_script_uses_the_same_today() -> None:
    assert _script().TODAY == TODAY


def _values(path: Path) -> dict[str, list[list[object]]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    try:
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    finally:
        book.close()


def test_committed_goldens_match_the_script(tmp_path: Path) -> None:
    made = _script().make_golden(tmp_path)
    assert sorted(p.name for p in made) == [p.name for p in FILES], "a golden is missing or stale"
    for new in made:
        old = GOLDEN / new.name
        assert _values(new) == _values(old), f"{new.name} differs from the script: run make_golden.py"
        assert _expected(new) == _expected(old), f"{new.name}: expected issues differ from the script"


# ---------------------------------------------------------------- group establishment (issue 6)
ESTABLISH_REUSED = {"PERSON_DUPLICATE", "PERSON_IN_MANY_GROUPS", "COMMITTEE_ROLE_REPEATED", "MEMBER_OUTSIDE_DISTRICT",
                    "CITIZEN_ID_CHECKSUM", "GROUP_TAMBON_UNKNOWN", "CHOICE_NOT_ALLOWED", "REQUIRED_MISSING"}


def _establish_codes() -> set[str]:
    return {c for c in catalogue() if c.startswith("ESTABLISH_")} | {"CERTIFICATE_NO_REUSED", "APPLICANT_GROUP_UNKNOWN"}


def test_bad_establish_plants_every_establishment_code() -> None:
    """Each establishment rule (and each member rule reused for applicants) has its golden cell."""
    planted = _expected(GOLDEN / "bad-establish.xlsx")
    codes = {e["code"] for e in planted}
    assert _establish_codes() <= codes, sorted(_establish_codes() - codes)
    assert ESTABLISH_REUSED <= codes, sorted(ESTABLISH_REUSED - codes)
    assert {e["sheet"] for e in planted} == {"จัดตั้งกลุ่ม", "ผู้ขอจัดตั้ง"}, "nothing planted elsewhere"


def test_establishment_severity_follows_the_decision() -> None:
    """Completeness is a warning while pending and an error once approved (the …_APPROVED twin)."""
    cat = catalogue()
    twins = [c for c in _establish_codes() if f"{c}_APPROVED" in cat]
    assert len(twins) == 5, twins
    for code in twins:
        assert cat[code].severity.value == "warning", code
        assert cat[f"{code}_APPROVED"].severity.value == "error", code
    for code in ("ESTABLISH_NAME_PREFIX", "ESTABLISH_CERTIFICATE_BEFORE_CHECK", "CERTIFICATE_NO_REUSED",
                 "ESTABLISH_CERTIFICATE_MISSING", "APPLICANT_GROUP_UNKNOWN"):
        assert cat[code].severity.value == "error", code
