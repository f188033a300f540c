"""Consolidate district workbooks into one provincial result (no file is written here).

Inputs are files or folders; every workbook is summarised in a worker process
(:func:`kaset_xl.consolidate.summary.summarise_file`).  The province and fiscal year are the options
when given, else the pair most usable workbooks share (never the first file by name); workbooks of
another province or year and the older of two workbooks of one district are reported and left out.
Every other readable workbook is counted, errors and all: an issue excludes only what it makes
unusable (``COUNTING_RULES``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import geothai

from kaset_xl.consolidate.summary import FileSummary, IssueRow, Person, summarise_file, unread_summary
from kaset_xl.criteria import Criteria, load_criteria
from kaset_xl.issues import KasetError, message

__all__ = ["Consolidation", "ConsolidationRefused", "DistrictStatus", "collect_inputs", "consolidate", "mask_id",
           "default_jobs", "STATUSES", "STATUS_TH", "STATUS_EN", "COUNTING_RULES"]

SUFFIXES = (".xlsx", ".xlsm")

# completeness status codes (the ความครบถ้วน and กสอ. sheets show them with their Thai labels)
RECEIVED, WITH_ERRORS, ERRORS, EMPTY, UNUSABLE, MISSING = (
    "received", "received_errors", "errors", "empty", "unusable", "missing")
STATUSES = (RECEIVED, WITH_ERRORS, ERRORS, EMPTY, UNUSABLE, MISSING)
STATUS_TH = {RECEIVED: "ได้รับแล้ว ข้อมูลถูกต้อง", WITH_ERRORS: "ได้รับแล้ว มีข้อผิดพลาด (นำมารวม)",
             ERRORS: "มีข้อผิดพลาด (ไม่นำมารวม: --exclude-errors)", EMPTY: "ว่าง (ไม่มีข้อมูล)",
             UNUSABLE: "ใช้ไม่ได้", MISSING: "ยังไม่ได้รับ"}
STATUS_EN = {RECEIVED: "received, clean", WITH_ERRORS: "received with errors (counted)",
             ERRORS: "errors (left out: --exclude-errors)", EMPTY: "empty", UNUSABLE: "unusable",
             MISSING: "missing"}
# The rule table (docs/consolidation.md, "What an issue excludes from the totals"): a workbook of the run's province and
# year is counted whatever its issues; an issue excludes only what it makes unusable.  Any code not
# listed excludes nothing: its row is counted and the issue shown beside the figures.
COUNTING_RULES: dict[str, str] = {
    "PERSON_DUPLICATE": "the repeated row: a person listed twice in one group counts once",
    "CITIZEN_ID_CHECKSUM": "nothing from the counts (the person exists); the ID is left out of duplicate matching",
    "CITIZEN_ID_FORMAT": "nothing from the counts; the ID is left out of duplicate matching",
    "PHASE2_NOT_SMART_FARMER": "counted as attending phase 2, not as 'passed Smart Farmer and trained'",
    "MATERIALS_NOT_MODEL_GROUP": "nothing: counted as spent and shown apart in กสอ.4",
    "ASSESSMENT_INCOMPLETE": "the round's score, level and level change (a partial score has no level)",
    "GROUP_UNKNOWN": "nothing: counted under the group name as typed, marked 'not in the registry'",
    "GROUP_NAME_DUPLICATE": "the repeated registry row: the group counts once",
    "ROW_DUPLICATE": "the repeated row (selection, Smart Farmer, IFPP, participation): the first counts",
    "ASSESSMENT_DUPLICATE": "the repeated 3ก round of a group: the first counts",
    "MEMBER_NOT_FOUND": "the row: a citizen ID not in สมาชิก cannot be placed in a group",
}
# Left-out reasons that lose nothing (the same file reached twice): they need no attention.
HARMLESS = ("CONSOLIDATE_SAME_FILE",)
NOT_REFUSED = (*HARMLESS, "CONSOLIDATE_EMPTY", "CONSOLIDATE_EXCLUDED_ERRORS")
_DISTRICT_IN_NAME = re.compile(r"(?<!\d)(\d{4})(?!\d)")


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
            try:
                out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUFFIXES
                                  and not f.name.startswith(("~$", "."))))
            except OSError:  # a folder that cannot be listed: reported as FILE_UNREADABLE, the others read
                out.append(p)
        else:
            out.append(p)
    seen: set[object] = set()
    unique = []
    for p in out:
        # the same file reached twice (the same path spelt twice, a symlink, a hard link) is read once
        keys: list[object] = [os.path.normcase(os.path.abspath(p))]
        try:
            st = os.stat(p)
            keys.append((st.st_dev, st.st_ino))
        except OSError:
            pass
        if not any(k in seen for k in keys):
            seen.update(keys)
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
    reason: IssueRow | None = None  # why a received file is unusable

    @property
    def counted(self) -> bool:
        """Whether the district's figures are in the กสอ. totals."""
        return self.status in (RECEIVED, WITH_ERRORS)


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
    exclude_errors: bool = False  # --exclude-errors: a district with errors is left out of the totals

    def district_th(self, code: str) -> str:
        d = geothai.district(code)
        return d.name_th if d else code

    @property
    def broken(self) -> list[FileSummary]:
        return [f for f in self.files if not f.usable]

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for d in self.districts:
            out[d.status] += 1
        out["late"] = sum(1 for d in self.districts if d.late)
        return out

    @property
    def errors_counted(self) -> int:
        """Errors in the data behind the กสอ. totals (the note under the totals)."""
        return sum(f.errors for f in self.used)

    @property
    def refused_files(self) -> int:
        """Files that --strict refuses: unusable, of another province or year, or an older version of a
        district (an identical copy, an empty template or a district held back by --exclude-errors are not)."""
        return len(self.broken) + sum(1 for i in self.left_out.values() if i.code not in NOT_REFUSED)

    @property
    def needs_attention(self) -> bool:
        """Exit code 1: a district with errors, empty, unusable or missing, or a file left out."""
        return (any(d.status != RECEIVED for d in self.districts) or bool(self.broken)
                or any(i.code not in HARMLESS for i in self.left_out.values()))


class ConsolidationRefused(KasetError):
    """Nothing can be consolidated (no usable workbook, or no clear province and year): the files read,
    each with its problem, travel with the error so that the command can list them first."""

    def __init__(self, code: str, files: list[FileSummary], left_out: dict[str, IssueRow], **params: Any) -> None:
        super().__init__(code, **params)
        self.files = files
        self.left_out = left_out

    def problem(self, f: FileSummary) -> IssueRow | None:
        return f.fatal or self.left_out.get(f.path)


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


def _same_files(files: list[FileSummary]) -> dict[str, IssueRow]:
    """An identical copy (same sha256) of a workbook already in the run is the same file: left out,
    harmlessly, naming the copy kept (the one with the newest file time, then the first by path)."""
    copies: dict[str, list[FileSummary]] = {}
    for f in files:
        if f.usable and f.sha256:
            copies.setdefault(f.sha256, []).append(f)
    out: dict[str, IssueRow] = {}
    for group in copies.values():
        kept = min(group, key=lambda f: (-f.mtime, f.path))
        for f in group:
            if f is not kept:
                out[f.path] = _issue("CONSOLIDATE_SAME_FILE", file=f.name, kept=kept.name)
    return out


def _run_identity(usable: list[FileSummary], province: str | None, year: int | None,
                  files: list[FileSummary], left_out: dict[str, IssueRow]) -> tuple[str, int]:
    """The run's province and year: the options when given, else the pair most usable workbooks share
    (never the first file by name); no clear majority → CONSOLIDATE_AMBIGUOUS."""
    from kaset_xl.areas import resolve_province

    prov = resolve_province(province).code if province else None
    pairs = Counter((f.province_code, f.fiscal_year) for f in usable
                    if (prov is None or f.province_code == prov) and (year is None or f.fiscal_year == year))
    if prov is not None and year is not None:
        return prov, year
    if not pairs:
        raise ConsolidationRefused("CONSOLIDATE_NOTHING_USABLE", files, left_out, count=len(files))
    ranked = pairs.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        tied = [p for p, n in ranked if n == ranked[0][1]]
        raise ConsolidationRefused("CONSOLIDATE_AMBIGUOUS", files, left_out,
                                   pairs=", ".join(f"{p}/{y} ({n})" for (p, y), n in ranked if (p, y) in tied))
    (p, y), _n = ranked[0]
    assert y is not None
    return prov or p, year or y


def _newer(group: list[FileSummary]) -> tuple[list[FileSummary], dict[str, IssueRow]]:
    """Of several workbooks of one district: the newer by the report date typed in ข้อมูลอำเภอ, then by
    the workbook's own last-saved time, then by the file time; the others left out, with the reason."""
    def key(f: FileSummary) -> tuple[dt.date, float, float]:
        return (f.report_date or dt.date.min, f.saved_at or 0.0, f.mtime)

    order = sorted(sorted(group, key=lambda f: f.name), key=key, reverse=True)
    kept = order[0]
    out: dict[str, IssueRow] = {}
    for other in order[1:]:
        a, b = key(kept), key(other)
        if a[0] != b[0]:
            th = f"วันที่รายงาน {_be(kept.report_date)} ใหม่กว่า {_be(other.report_date)}"
            en = f"report date {_be(kept.report_date)} is newer than {_be(other.report_date)}"
        elif a[1] != b[1]:
            th, en = "วันที่รายงานเท่ากัน บันทึกแฟ้มครั้งล่าสุดใหม่กว่า", "same report date; saved more recently"
        elif a[2] != b[2]:
            th, en = "วันที่รายงานและเวลาบันทึกเท่ากัน เวลาของไฟล์ใหม่กว่า", "same report date and save time; newer file time"
        else:
            th, en = "วันที่เท่ากันทุกอย่าง ใช้ไฟล์แรกตามชื่อ", "all dates equal; the first by name"
        out[other.path] = _issue("CONSOLIDATE_DUPLICATE_DISTRICT", file=other.name, district=other.district_code,
                                 kept=kept.name, reason=th, reason_en=en)
    return [kept], out


def _be(day: dt.date | None) -> str:
    from kaset_xl.normalize import format_be

    return format_be(day) if day else "-"


def _district_of(f: FileSummary, codes: set[str]) -> str:
    """The district an unusable file was meant for: a district code of the run's province in its name
    (the template's file names start with it), if exactly one."""
    found = {c for c in _DISTRICT_IN_NAME.findall(f.name) if c in codes}
    return found.pop() if len(found) == 1 else ""


def _district_statuses(prov_code: str, chosen: dict[str, FileSummary], files: list[FileSummary], crit: Criteria,
                       left_out: dict[str, IssueRow], exclude_errors: bool) -> list[DistrictStatus]:
    """Every district of the province with its status (``left_out`` gains the empty and excluded)."""
    all_districts = geothai.districts(prov_code)
    codes = {d.code for d in all_districts}
    unusable: dict[str, FileSummary] = {}
    for f in files:
        if not f.usable and (code := _district_of(f, codes)):
            unusable.setdefault(code, f)
    districts = []
    for d in all_districts:
        picked = chosen.get(d.code)
        st = DistrictStatus(d.code, d.name_th, d.name_en, MISSING)
        if picked is None and d.code in unusable:
            st.status, st.file, st.reason = UNUSABLE, unusable[d.code].name, unusable[d.code].fatal
        if picked is not None:
            st.file, st.errors, st.warnings = picked.name, picked.errors, picked.warnings
            st.report_date = picked.report_date
            if picked.empty:
                st.status = EMPTY
                left_out[picked.path] = _issue("CONSOLIDATE_EMPTY", file=picked.name, district=d.code)
            elif picked.errors and exclude_errors:
                st.status = ERRORS
                left_out[picked.path] = _issue("CONSOLIDATE_EXCLUDED_ERRORS", file=picked.name, count=picked.errors)
            else:
                st.status = WITH_ERRORS if picked.errors else RECEIVED
            # the latest report is due by กสอ.3/4's deadline once round 2 is entered, else by กสอ.1/2's
            st.deadline = crit.deadlines.ksa3_4 if picked.round2_entered else crit.deadlines.ksa1_2
            st.late = None if picked.report_date is None else picked.report_date > st.deadline
        districts.append(st)
    return districts


def _district_th(code: str) -> str:
    district = geothai.district(code)
    return district.name_th if district is not None else code


def consolidate(inputs: Iterable[str | os.PathLike[str]], *, province: str | None = None, year: int | None = None,
                jobs: int | None = None, progress: Callable[[FileSummary], None] | None = None,
                summaries: list[FileSummary] | None = None, criteria: str | os.PathLike[str] | None = None,
                today: dt.date | None = None, exclude_errors: bool = False) -> Consolidation:
    """Summarise every input and gather the province's picture (raises ConsolidationRefused when
    nothing is usable or the province and year are not clear).

    Every usable workbook of the run's province and year is counted, errors and all (each issue
    excludes only what it makes unusable: the rule table in docs/consolidation.md); ``exclude_errors`` leaves a
    district with errors out of the totals instead.  ``criteria``: a province's own criteria file
    (TOML) used for every workbook instead of the shipped criteria of the fiscal year; ``today``: the
    day dates are checked against (default: today).
    """
    inputs = list(inputs)
    own = load_criteria(path=criteria) if criteria is not None else None  # a bad file fails here, once
    paths = collect_inputs(inputs)
    if not paths and summaries is None:
        raise KasetError("CONSOLIDATE_NO_INPUT", file=", ".join(str(i) for i in inputs) or ".")
    files = summaries if summaries is not None else summarise_all(
        paths, jobs or default_jobs(), progress, criteria_path=str(criteria) if criteria is not None else None,
        today=today)
    left_out = _same_files(list(files))
    usable = [f for f in files if f.usable and f.path not in left_out]
    prov_code, fy = _run_identity(usable, province, year, list(files), left_out)
    prov = geothai.province(prov_code)
    if prov is None:  # a workbook naming a province code that does not exist
        raise ConsolidationRefused("CONSOLIDATE_NOTHING_USABLE", list(files), left_out, count=len(files))
    candidates: dict[str, list[FileSummary]] = {}
    for f in usable:
        if f.province_code != prov_code:
            left_out[f.path] = _issue("CONSOLIDATE_OTHER_PROVINCE", file=f.name, found=f.province_code,
                                      expected=prov_code)
        elif f.fiscal_year != fy:
            left_out[f.path] = _issue("CONSOLIDATE_OTHER_YEAR", file=f.name, found=f.fiscal_year, expected=fy)
        else:
            candidates.setdefault(f.district_code, []).append(f)
    chosen: dict[str, FileSummary] = {}
    for code, group in candidates.items():
        kept, dropped = _newer(group)
        chosen[code] = kept[0]
        left_out.update(dropped)
    if not chosen:
        raise ConsolidationRefused("CONSOLIDATE_NOTHING_USABLE", list(files), left_out, count=len(files))
    crit = own or load_criteria(fy)
    districts = _district_statuses(prov.code, chosen, list(files), crit, left_out, exclude_errors)
    used = [chosen[d.code] for d in districts if d.counted]
    by_id: dict[str, list[tuple[FileSummary, Person]]] = {}
    for d in districts:
        summary = chosen.get(d.code)
        if summary is None:
            continue
        seen: set[str] = set()
        for p in summary.persons:  # only citizen IDs that pass their check digit (FileSummary.persons)
            if p.citizen_id not in seen:
                seen.add(p.citizen_id)
                by_id.setdefault(p.citizen_id, []).append((summary, p))
    dups = [Duplicate(cid, f.district_code, _district_th(f.district_code), f.name, p.name, p.group)
            for cid, hits in sorted(by_id.items()) if len(hits) > 1 for f, p in hits]
    return Consolidation(province_code=prov.code, province_th=prov.name_th, province_en=prov.name_en,
                         fiscal_year=fy, criteria=crit, files=list(files), used=used, left_out=left_out,
                         districts=districts, duplicates=dups, exclude_errors=exclude_errors)
