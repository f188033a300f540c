"""The district workbook's layout for a fiscal year: the spec's fixed sheets (:mod:`kaset_xl.workbook.spec`)
together with the sheets laid out from the criteria (:mod:`kaset_xl.workbook.programme_sheets`) and the establishment
sheets (:mod:`kaset_xl.workbook.establish_sheets`).

This module re-exports the spec's names, so ``from kaset_xl.workbook.layout import Column, LAYOUT`` is the one
import most code needs.  ``LAYOUT`` (the shipped FY2564 layout) is built on first use, not at import time.
"""

from __future__ import annotations

from functools import cache

from kaset_xl.criteria import Criteria, load_criteria
from kaset_xl.memo import IdentityMemo
from kaset_xl.workbook.establish_sheets import establish_lists, establish_tables
from kaset_xl.workbook.programme_sheets import programme_lists, programme_tables
from kaset_xl.workbook.spec import (
    BE_HINT,
    COMMITTEE_ROLES,
    DATE_FORMAT,
    DISTRICT_INFO,
    FISCAL_WINDOW,
    GROUPS,
    MEMBERS,
    SINCE_2500,
    STATIC_LISTS,
    SUPPORTED_VERSIONS,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    ColType,
    Column,
    Field,
    FormSheet,
    Layout,
    Table,
    cell_name,
    col_letter,
    normalize_header,
    number_format,
    version_tuple,
)

# LAYOUT is importable too (built on first use by __getattr__ below).
__all__ = [
    "build_layout",
    "layout_for_year",
    "BE_HINT",
    "COMMITTEE_ROLES",
    "DATE_FORMAT",
    "DISTRICT_INFO",
    "FISCAL_WINDOW",
    "GROUPS",
    "MEMBERS",
    "SINCE_2500",
    "STATIC_LISTS",
    "SUPPORTED_VERSIONS",
    "TEMPLATE_ID",
    "TEMPLATE_VERSION",
    "ColType",
    "Column",
    "Field",
    "FormSheet",
    "Layout",
    "Table",
    "cell_name",
    "col_letter",
    "normalize_header",
    "number_format",
    "version_tuple",
]

_BUILT: IdentityMemo[Layout] = IdentityMemo(limit=16)  # per criteria object


def build_layout(criteria: Criteria) -> Layout:
    """The district workbook's layout for a fiscal year's criteria (3ก and Smart Farmer columns are data).

    Built once per criteria object (the shipped criteria are loaded once per process), so reading
    many workbooks shares one layout and its tables.
    """
    return _BUILT.get((criteria,), lambda: _build_layout(criteria))


def _build_layout(criteria: Criteria) -> Layout:
    return Layout(
        template_id=TEMPLATE_ID,
        version=TEMPLATE_VERSION,
        instructions_sheet="คำแนะนำ",
        info=DISTRICT_INFO,
        tables=(GROUPS, MEMBERS, *programme_tables(criteria), *establish_tables()),
        lists_sheet="รายการ",
        meta_sheet="_kaset",
        meta_keys=("template_id", "template_version", "province_code", "district_code", "fiscal_year",
                   "criteria", "generator", "created"),
        lists={**STATIC_LISTS, **programme_lists(criteria), **establish_lists()},
        summary_sheet="สรุปผล",
    )


@cache
def layout_for_year(fiscal_year: int) -> Layout:
    return build_layout(load_criteria(fiscal_year))


def __getattr__(name: str) -> Layout:
    """``LAYOUT``, the layout of the shipped FY2564 criteria, built when first asked for (not at import)."""
    if name == "LAYOUT":
        return layout_for_year(2564)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
