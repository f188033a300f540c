"""Consolidate district workbooks into one provincial result (no file is written here).

Inputs are files or folders; every workbook is summarised in a worker process
(:func:`kaset_xl.consolidate.summary.summarise_file`).  The province and fiscal year default to the
first usable workbook's identity (in sorted input order); workbooks of another province or year and
the older of two workbooks of one district are reported and left out.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import geothai

from kaset_xl.consolidate.summary import FileSummary, IssueRow, Person, summarise_file, unread_summary
from kaset_xl.criteria import Criteria, load_criteria
from kaset_xl.issues import KasetError, message

__all__ = ["Consolidation", "DistrictStatus", "collect_inputs", "consolidate", "mask_id", "default_jobs"]

SUFFIXES = (".xlsx", ".xlsm")

# completeness status codes (the ความครบถ้วน sheet shows them with their Thai labels)
RECEIVED, MISSING, ERRORS, EMPTY = "received", "missing", "errors", "empty"
STATUS_TH = {RECEIVED: "ได้รับแล้ว", MISSING: "ยังไม่ได้รับ", ERRORS: "มีข้อผิดพลาด (ไม่นำมารวม)", EMPTY: "ว่าง (ไม่มีข้อมูล)"}


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def mask_id(cid: str) -> str:
    """'1101700012348' → '1-1017-xxxxx-xx-8' (PDPA: enough to tell people apart, not to identify them)."""
    d = "".join(ch for ch in cid if ch.isdigit())
    if len(d) != 13:
        return "x" * max(0, len(d) - 1) + d[-1:]
    return f"{d[0]}-{d[1:5]}-xxxxx-xx-{d[12]}"


def format_id(cid: str) -> str:
    d = "".join(ch for ch in cid if ch.isdigit())
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}" if len(d) == 13 else cid


def collect_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given (any suffix: a wrong one is reported by the reader); folders → their workbooks."""
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUFFIXES
                              and not f.name.startswith(("~$", "."))))
        else:
            out.append(p)
    seen: set[str] = set()
    unique = []
    for p in out:
        k = os.path.normcase(os.path.abspath(p))
        if k not in seen:
            seen.add(k)
            unique.append(p)
    return unique


@dataclass
class DistrictStatus:
    code: str
    name_th: str
    name_en: str
    status: str
    file: str = ""
    report_date: object = None
    deadline: object = None
    late: bool | None = None
    errors: int = 0
    warnings: int = 0


@dataclass
class Duplicate:
    citizen_id: str
    district_code: str
    district_th: str
    file: str
    name: str
    group: str


@dataclass
class Consolidation:
    province_code: str
    province_th: str
    province_en: str
    fiscal_year: int
    criteria: Criteria
    files: list[FileSummary]  # every input, in input order
    used: list[FileSummary]  # the workbooks whose figures are in the reports (one per district)
    left_out: dict[str, IssueRow] = field(default_factory=dict)  # file path → why it was left out
    districts: list[DistrictStatus] = field(default_factory=list)  # every district of the province
    duplicates: list[Duplicate] = field(default_factory=list)

    def district_th(self, code: str) -> str:
        d = geothai.district(code)
        return d.name_th if d else code

    @property
    def broken(self) -> list[FileSummary]:
        return [f for f in self.files if not f.usable]

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in (RECEIVED, MISSING, ERRORS, EMPTY)}
        for d in self.districts:
            out[d.status] += 1
        return out


def _issue(code: str, **params: object) -> IssueRow:
    msg, th, en = message(code, **params)
    return IssueRow(code, msg.severity.value, th, en)


def summarise_all(paths: Sequence[Path], jobs: int, progress: Callable[[FileSummary], None] | None = None,
                  *, criteria_path: str | None = None, today: dt.date | None = None) -> list[FileSummary]:
    names = [str(p) for p in paths]
    summarise = partial(summarise_file, criteria_path=criteria_path, today=today)
    if jobs <= 1 or len(names) <= 1:  # (starting two forked workers costs ~10 ms: worth it from two files)
        out = []
        for n in names:
            out.append(summarise(n))
            if progress:
                progress(out[-1])
        return out
    # Import the reading and checking code here first: forked workers then start with it loaded.
    import kaset_xl.domain.programme  # noqa: F401
    import kaset_xl.domain.registry  # noqa: F401
    import kaset_xl.workbook.reader  # noqa: F401

    out = []
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for s in pool.map(summarise, names, chunksize=max(1, len(names) // (jobs * 8))):
                out.append(s)
                if progress:
                    progress(s)
    except BrokenProcessPool:
        # A worker died (a file that made the reader run out of memory, or a kill): read each remaining
        # file in a worker of its own, so that the file that kills it is named and the others are read.
        for n in names[len(out):]:
            out.append(_summarise_alone(summarise, n))
            if progress:
                progress(out[-1])
    return out


def _summarise_alone(summarise: Callable[[str], FileSummary], name: str) -> FileSummary:
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(summarise, name).result()
    except BrokenProcessPool:
        p = Path(name)
        return unread_summary(p, _issue("FILE_READER_DIED", file=p.name))


def consolidate(inputs: Iterable[str | os.PathLike[str]], *, province: str | None = None, year: int | None = None,
                jobs: int | None = None, progress: Callable[[FileSummary], None] | None = None,
                summaries: list[FileSummary] | None = None, criteria: str | os.PathLike[str] | None = None,
                today: dt.date | None = None) -> Consolidation:
    """Summarise every input and gather the province's picture (raises KasetError when nothing is usable).

    ``criteria``: a province's own criteria file (TOML) used for every workbook instead of the shipped
    criteria of the fiscal year; ``today``: the day dates are checked against (default: today).
    """
    from kaset_xl.areas import resolve_province

    inputs = list(inputs)
    own = load_criteria(path=criteria) if criteria is not None else None  # a bad file fails here, once
    paths = collect_inputs(inputs)
    if not paths and summaries is None:
        raise KasetError("CONSOLIDATE_NO_INPUT", file=", ".join(str(i) for i in inputs) or ".")
    files = summaries if summaries is not None else summarise_all(
        paths, jobs or default_jobs(), progress, criteria_path=str(criteria) if criteria is not None else None,
        today=today)
    usable = [f for f in files if f.usable]
    if province:
        prov = resolve_province(province)
    elif usable:
        prov = geothai.province(usable[0].province_code)
    else:
        prov = None
    fy = year or (usable[0].fiscal_year if usable else None)
    if prov is None or fy is None:
        raise KasetError("CONSOLIDATE_NOTHING_USABLE", count=len(files))
    left_out: dict[str, IssueRow] = {}
    candidates: dict[str, list[FileSummary]] = {}
    for f in usable:
        if f.province_code != prov.code:
            left_out[f.path] = _issue("CONSOLIDATE_OTHER_PROVINCE", file=f.name, found=f.province_code,
                                      expected=prov.code)
        elif f.fiscal_year != fy:
            left_out[f.path] = _issue("CONSOLIDATE_OTHER_YEAR", file=f.name, found=f.fiscal_year, expected=fy)
        else:
            candidates.setdefault(f.district_code, []).append(f)
    chosen: dict[str, FileSummary] = {}
    for code, group in candidates.items():
        order = sorted(group, key=lambda f: (-f.mtime, f.name))
        chosen[code] = order[0]
        for other in order[1:]:
            left_out[other.path] = _issue("CONSOLIDATE_DUPLICATE_DISTRICT", file=other.name, district=code,
                                          kept=order[0].name)
    if not chosen:
        raise KasetError("CONSOLIDATE_NOTHING_USABLE", count=len(files))
    crit = own or load_criteria(fy)
    districts = []
    for d in geothai.districts(prov.code):
        f = chosen.get(d.code)
        st = DistrictStatus(d.code, d.name_th, d.name_en, MISSING)
        if f is not None:
            st.file, st.errors, st.warnings, st.report_date = f.name, f.errors, f.warnings, f.report_date
            st.status = EMPTY if f.empty else (ERRORS if f.errors else RECEIVED)
            # the latest report is due by กสอ.3/4's deadline once round 2 is entered, else by กสอ.1/2's
            st.deadline = crit.deadlines.ksa3_4 if f.round2_entered else crit.deadlines.ksa1_2
            st.late = None if f.report_date is None else f.report_date > st.deadline
        districts.append(st)
    used = [chosen[d.code] for d in districts if d.status == RECEIVED]
    by_id: dict[str, list[tuple[FileSummary, Person]]] = {}
    for d in districts:
        f = chosen.get(d.code)
        if f is None:
            continue
        seen: set[str] = set()
        for p in f.persons:
            if p.citizen_id not in seen:
                seen.add(p.citizen_id)
                by_id.setdefault(p.citizen_id, []).append((f, p))
    dups = [Duplicate(cid, f.district_code, geothai.district(f.district_code).name_th, f.name, p.name, p.group)
            for cid, hits in sorted(by_id.items()) if len(hits) > 1 for f, p in hits]
    return Consolidation(province_code=prov.code, province_th=prov.name_th, province_en=prov.name_en,
                         fiscal_year=fy, criteria=crit, files=list(files), used=used, left_out=left_out,
                         districts=districts, duplicates=dups)
