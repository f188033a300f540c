"""The reader: a district workbook file → typed models, tolerant of what officers really type.

python-calamine is the fast path.  Columns are found by their Thai headers (so a moved column is
still read), every raw value goes through :mod:`kaset_xl.normalize` (the one place where value types
are normalised), and a value that cannot be read becomes a located issue, not an exception.  A file
that cannot be used at all raises :class:`~kaset_xl.issues.KasetError` (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import python_calamine as pc

from kaset_xl import normalize as nz
from kaset_xl.areas import DistrictArea, district_area
from kaset_xl.criteria import Criteria, load_criteria
from kaset_xl.domain.models import DistrictInfo, Group, Identity, Member
from kaset_xl.issues import Issue, KasetError, make_issue
from kaset_xl.memo import IdentityMemo
from kaset_xl.workbook.guard import DEFAULT_LIMITS, ErrorCell, Guard, Limits, error_issues, is_panic, open_guard
from kaset_xl.workbook.layout import (
    LAYOUT,
    SUPPORTED_VERSIONS,
    ColType,
    Column,
    Layout,
    Table,
    build_layout,
    cell_name,
    col_letter,
    normalize_header,
)
from kaset_xl.workbook.package import core_properties
from kaset_xl.workbook.sniff import read_checked

__all__ = ["DistrictBook", "read_district_workbook", "read_district_grids", "parse_value", "HEADER_SEARCH_ROWS"]

HEADER_SEARCH_ROWS = 15
Grid = list[list[Any]]

_PARSERS: dict[ColType, Callable[[Any], Any]] = {
    ColType.TEXT: nz.clean_text,
    ColType.CHOICE: nz.clean_text,
    ColType.TAMBON: nz.clean_text,
    ColType.GROUP: nz.clean_text,
    ColType.INT: nz.to_int,
    ColType.NUMBER: nz.to_number,
    ColType.DATE: nz.to_date,
    ColType.CITIZEN_ID: nz.digits_only,
    ColType.FARMER_ID: nz.digits_only,
    ColType.PHONE: nz.digits_only,
    ColType.YESNO: nz.to_yes_no,
}


def parse_value(col_type: ColType, raw: Any) -> Any:
    """One raw cell value → its typed value (raises :class:`kaset_xl.normalize.ParseError`)."""
    return _PARSERS[col_type](raw)


@dataclass
class DistrictBook:
    """What a district workbook holds, with where each value came from."""

    path: Path
    identity: Identity
    info: DistrictInfo
    groups: list[Group]
    members: list[Member]
    columns: dict[str, dict[str, str]]  # table key → field key → column letter as found in the file
    info_cells: dict[str, str]  # info field key → A1 cell as found
    issues: list[Issue] = field(default_factory=list)  # values that could not be read
    layout: Layout = LAYOUT
    criteria: Criteria | None = None
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # every table's typed rows
    header_rows: dict[str, int] = field(default_factory=dict)  # table key → its header row as found (1-based)
    size: int = 0  # bytes read from the file (0: the values came from memory, e.g. through xlwings)
    sha256: str = ""  # of exactly those bytes
    modified: str = ""  # their docProps/core.xml dcterms:modified: the workbook's own last-saved time, as written

    def table_rows(self, table: str) -> list[dict[str, Any]]:
        """Typed rows of a table (each with its worksheet ``row``)."""
        return self.rows.get(table, [])

    @property
    def area(self) -> DistrictArea:
        return district_area(self.identity.district_code)

    def cell(self, table: str, key: str, row: int) -> str:
        """The cell of ``key`` on ``row`` as found; a column missing from the file (an optional one, see
        HEADER_OPTIONAL_MISSING): where the template has it."""
        letter = self.columns[table].get(key) or self.layout.table(table).letter(key)
        return f"{letter}{row}"

    def sheet(self, table: str) -> str:
        return self.layout.table(table).sheet


def read_district_workbook(path: str | os.PathLike[str], *, criteria: Criteria | None = None,
                           limits: Limits | None = None) -> DistrictBook:
    """Read a district workbook.  Raises KasetError when the file cannot be used at all.

    The layout (its 3ก and Smart Farmer columns) follows ``criteria``, by default the shipped
    criteria of the workbook's fiscal year.  The file is checked against ``limits`` (default
    :data:`kaset_xl.workbook.guard.DEFAULT_LIMITS`) before any library parses it; Excel error
    values in input cells become CELL_ERROR_VALUE issues.
    """
    shown = str(path)
    lim = limits or DEFAULT_LIMITS
    real, data = read_checked(path, max_members=lim.max_members, max_bytes=lim.max_file_bytes)
    guard = open_guard(real, shown, lim, data=data)
    try:
        data = guard.data  # python-calamine reads the very bytes that were checked
        digest = hashlib.sha256(data).hexdigest()
        try:
            book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except pc.PasswordError:
            raise KasetError("FILE_ENCRYPTED", file=shown) from None
        except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
            raise KasetError("FILE_CORRUPT", file=shown, reason=_short(exc)) from None
        except BaseException as exc:
            if is_panic(exc):
                raise KasetError("FILE_CORRUPT", file=shown, reason=_short(exc)) from None
            raise
        try:
            result = _read(_SheetCache(book, shown, guard), real, shown, criteria)
        finally:
            book.close()
    finally:
        guard.close()
    result.issues.extend(guard.error_issues(result))
    result.size, result.sha256 = len(data), digest
    result.modified = core_properties(io.BytesIO(data)).get("modified", "")
    return result


def read_district_grids(grids: Mapping[str, Grid], name: str, *, criteria: Criteria | None = None,
                        errors: Iterable[ErrorCell] = ()) -> DistrictBook:
    """Read a district workbook from its sheets' values already in memory (e.g. through xlwings).

    ``grids`` maps sheet names to rows of values anchored at A1 (it may load them lazily: only the
    sheets the layout needs are looked up); values are of any type :mod:`kaset_xl.normalize`
    accepts.  ``errors``: the cells that hold an Excel error value (their grid value is blank),
    looked at once the sheets are read.  ``name`` is what messages and ``DistrictBook.path`` show.
    Same rules, same issues as :func:`read_district_workbook`.
    """
    book = _read(_GridMap(grids, name), Path(name), name, criteria)
    book.issues.extend(error_issues(book, errors))
    return book


def _read(grids: _SheetCache | _GridMap, real: Path, shown: str, criteria: Criteria | None) -> DistrictBook:
    identity = _identity(grids, LAYOUT, shown)
    criteria = criteria or load_criteria(identity.fiscal_year)
    layout = build_layout(criteria)
    issues: list[Issue] = []
    info, info_cells = _info(grids, layout, shown, issues)
    tables: dict[str, list[dict[str, Any]]] = {}
    columns: dict[str, dict[str, str]] = {}
    header_rows: dict[str, int] = {}
    for table in layout.tables:
        if not grids.has(table.sheet) and table.missing_allowed(identity.template_version):
            tables[table.key] = []  # a sheet added after the workbook's template version: no rows
            columns[table.key] = {c.key: table.letter(c.key) for c in table.columns}
            continue
        try:
            letters, rows, header_rows[table.key] = _table(grids.get(table.sheet), table, shown, issues)
        except KasetError as exc:
            used = Path(criteria.source).name
            if exc.code == "HEADER_MISSING" and identity.criteria and identity.criteria != used:
                raise KasetError("CRITERIA_MISMATCH", file=shown, made_with=identity.criteria,
                                 used=used) from None
            raise
        tables[table.key] = rows
        columns[table.key] = letters
    return DistrictBook(
        path=real,
        identity=identity,
        info=info,
        groups=[Group.model_validate(r) for r in tables["groups"]],
        members=[Member.model_validate(r) for r in tables["members"]],
        columns=columns,
        info_cells=info_cells,
        issues=issues,
        layout=layout,
        criteria=criteria,
        rows=tables,
        header_rows=header_rows,
    )


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


class _SheetCache:
    def __init__(self, book: pc.CalamineWorkbook, shown: str, guard: Guard | None = None) -> None:
        self.book = book
        self.shown = shown
        self.guard = guard  # checks each sheet's XML (size limits, error cells) before calamine reads it
        self.names = set(book.sheet_names)
        self._grids: dict[str, Grid] = {}

    def has(self, name: str) -> bool:
        return name in self.names

    def get(self, name: str) -> Grid:
        if name not in self.names:
            raise KasetError("SHEET_MISSING", file=self.shown, sheet=name)
        if name not in self._grids:
            if self.guard is not None:
                self.guard.scan_sheet(name)
            try:
                self._grids[name] = self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError) as exc:
                raise KasetError("FILE_CORRUPT", file=self.shown, reason=_short(exc)) from None
            except BaseException as exc:  # a panic in python-calamine (e.g. a date cell holding 1e300)
                if not is_panic(exc):
                    raise
                cells = self.guard.impossible_numbers(name) if self.guard is not None else []
                where = f"; sheet {name}" + (f", cells {', '.join(cells[:5])}" if cells else "")
                raise KasetError("FILE_CORRUPT", file=self.shown, reason=_short(exc) + where) from None
        return self._grids[name]


class _GridMap:
    """Sheets' values given in memory, with the same interface as :class:`_SheetCache`."""

    def __init__(self, grids: Mapping[str, Grid], shown: str) -> None:
        self.grids = grids
        self.shown = shown

    def has(self, name: str) -> bool:
        return name in self.grids

    def get(self, name: str) -> Grid:
        if name not in self.grids:
            raise KasetError("SHEET_MISSING", file=self.shown, sheet=name)
        return self.grids[name]


def _identity(grids: _SheetCache | _GridMap, layout: Layout, shown: str) -> Identity:
    if not grids.has(layout.meta_sheet):
        raise KasetError("NOT_DISTRICT_WORKBOOK", file=shown)
    values: dict[str, str] = {}
    for row in grids.get(layout.meta_sheet):
        if len(row) >= 2 and isinstance(row[0], str) and row[0]:
            values[row[0].strip()] = nz.clean_text(row[1]) or ""
    if values.get("template_id") != layout.template_id:
        raise KasetError("NOT_DISTRICT_WORKBOOK", file=shown)
    version = values.get("template_version", "")
    if version not in SUPPORTED_VERSIONS:
        raise KasetError("TEMPLATE_VERSION_UNKNOWN", file=shown, version=version or "?",
                         supported=", ".join(SUPPORTED_VERSIONS))
    try:
        identity = Identity(
            template_id=values["template_id"],
            template_version=version,
            province_code=values["province_code"],
            district_code=values["district_code"],
            fiscal_year=int(values["fiscal_year"]),
            criteria=values.get("criteria", "").replace(" (provisional)", ""),
        )
        area = district_area(identity.district_code)
    except (KeyError, ValueError) as exc:
        raise KasetError("IDENTITY_INVALID", file=shown, detail=_short(exc)) from None
    if area.province.code != identity.province_code or not 2500 <= identity.fiscal_year <= 2700:
        raise KasetError("IDENTITY_INVALID", file=shown,
                         detail=f"{identity.province_code}/{identity.district_code}/{identity.fiscal_year}")
    return identity


def _stored_date(raw: Any, value: Any, issues: list[Issue], **where: Any) -> None:
    """DATE_STORED_YEAR_TOO_LATE (a warning) when a date cell stores a year beyond 2200 CE: 12/12/2563 typed
    on a PC set to the Gregorian calendar (stored as 2563 CE, shown as 3106 by the Thai date format).  The
    value is read as the Buddhist-era date it probably is (see ``normalize.to_date``)."""
    year = nz.stored_year(raw)
    if year is None or year <= nz.LATEST_STORED_YEAR or not isinstance(value, dt.date):
        return
    typed = f"{value.day}/{value.month}/{year}"
    issues.append(make_issue("DATE_STORED_YEAR_TOO_LATE", stored=year, shown=year + nz.BE_OFFSET, typed=typed,
                             value=nz.format_be(value), typed_ce=f"{value.day}/{value.month}/{value.year}",
                             **where))


def _convert(col_type: ColType, raw: Any, *, sheet: str, cell: str, row: int, key: str,
             label: str, label_en: str, issues: list[Issue]) -> Any:
    try:
        value = parse_value(col_type, raw)
        if col_type is ColType.DATE and not isinstance(raw, str):
            _stored_date(raw, value, issues, sheet=sheet, cell=cell, row=row, field=key, label=label,
                         label_en=label_en)
        return value
    except nz.ParseError as exc:
        issues.append(make_issue(exc.code, sheet=sheet, cell=cell, row=row, field=key,
                                 label=label, label_en=label_en, value=exc.value, choices="ใช่ / ไม่ใช่"))
        return None


def _info(grids: _SheetCache | _GridMap, layout: Layout, shown: str,
          issues: list[Issue]) -> tuple[DistrictInfo, dict[str, str]]:
    form = layout.info
    grid = grids.get(form.sheet)
    labels: dict[str, tuple[int, int]] = {}
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if isinstance(v, str) and v.strip():
                labels.setdefault(normalize_header(v), (r, c))
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for f in form.fields:
        pos = labels.get(normalize_header(f.label))
        if pos is None:
            raise KasetError("HEADER_MISSING", file=shown, sheet=form.sheet, header=f.label)
        r, c = pos[0], pos[1] + 1
        raw = grid[r][c] if c < len(grid[r]) else ""
        cell = cell_name(r, c)
        cells[f.key] = cell
        values[f.key] = _convert(f.type, raw, sheet=form.sheet, cell=cell, row=r + 1, key=f.key,
                                 label=f.label, label_en=f.label_en, issues=issues)
    return DistrictInfo(**values), cells


_Plan = tuple[dict[str, str], tuple[tuple[Column, Callable[[Any], Any]], ...]]
_PLANS: IdentityMemo[_Plan] = IdentityMemo()


def _plan_of(table: Table) -> _Plan:
    """A table's normalised headers (→ column key) and its input columns with their parsers.

    Computed once per table object (layouts are shared, see ``build_layout``).  Computed cells are
    never read: their cached values are not trusted.
    """
    return _PLANS.get((table,), lambda: ({normalize_header(c.header): c.key for c in table.columns},
                                         tuple((col, _PARSERS[col.type]) for col in table.inputs)))


def _find_header_row(grid: Grid, table: Table) -> int | None:
    wanted = _plan_of(table)[0]
    expected = table.header_row - 1
    if expected < len(grid):  # the template's own row first: where the header almost always is
        found = {normalize_header(v) for v in grid[expected] if isinstance(v, str) and v}
        if found.issuperset(wanted):
            return expected
    best, best_hits = None, 0
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for v in row if isinstance(v, str) and v and normalize_header(v) in wanted)
        if hits > best_hits:
            best, best_hits = r, hits
    return best if best_hits * 2 >= len(wanted) else None


# Header rows already read: per table and the header row's values → (column key → index, letters).
_HEADERS: IdentityMemo[tuple[dict[str, int], dict[str, str]]] = IdentityMemo()
# Cell types whose values hash and compare as plain values (a header row of only these can be a cache key).
_PLAIN_TYPES = frozenset({str, float, int, bool, type(None), dt.date, dt.datetime, dt.time, dt.timedelta})


def _columns(grid: Grid, table: Table, shown: str,
             issues: list[Issue]) -> tuple[int, dict[str, int], dict[str, str]]:
    """The header row (0-based), column key → column index and column key → letter, as found.

    A required column's header missing refuses the file (HEADER_MISSING); an optional column's
    (an input that is not required, or a computed one) is HEADER_OPTIONAL_MISSING, a warning: the
    rest is read, that column is blank (and ``score`` writes nothing for it).  A table header written
    twice is HEADER_DUPLICATE at the second (the first is read).
    """
    expected = table.header_row - 1
    key = None
    if expected < len(grid) and set(map(type, grid[expected])) <= _PLAIN_TYPES:
        # Workbooks of one template share their header rows: found once, looked up after.
        key = tuple(grid[expected])
        hit = _HEADERS.lookup((table,), key)
        if hit is not None:
            return expected, hit[0], hit[1]
    h = _find_header_row(grid, table)
    if h is None:
        raise KasetError("HEADER_MISSING", file=shown, sheet=table.sheet, header=table.columns[1].header)
    wanted = _plan_of(table)[0]
    positions: dict[str, int] = {}
    found: list[Issue] = []
    for c, v in enumerate(grid[h]):
        if isinstance(v, str):
            name = normalize_header(v)
            if name in positions and name in wanted:
                found.append(make_issue("HEADER_DUPLICATE", sheet=table.sheet, cell=cell_name(h, c),
                                        row=h + 1, header=v.strip(), first=cell_name(h, positions[name])))
            positions.setdefault(name, c)
    index: dict[str, int] = {}
    for col in table.columns:
        at = positions.get(normalize_header(col.header))
        if at is None:
            if col.required:
                raise KasetError("HEADER_MISSING", file=shown, sheet=table.sheet, header=col.header)
            found.append(make_issue("HEADER_OPTIONAL_MISSING", sheet=table.sheet, row=h + 1, field=col.key,
                                    header=col.header, header_en=col.header_en))
            continue
        index[col.key] = at
    letters = {k: col_letter(c) for k, c in index.items()}
    if key is not None and h == expected and not found:  # found from that row alone (see _find_header_row)
        _HEADERS.store((table,), (index, letters), key)
    issues.extend(found)
    return h, index, letters


_ABSENT = 1 << 30  # the index of a column not in the file: beyond every row, so always blank


def _table(grid: Grid, table: Table, shown: str,
           issues: list[Issue]) -> tuple[dict[str, str], list[dict[str, Any]], int]:
    h, index, letters = _columns(grid, table, shown, issues)
    letters = dict(letters)  # the caller's own: the book keeps it
    inputs = _plan_of(table)[1]
    # _ABSENT: always blank; the last item: a date column, whose stored year is looked at (see _stored_date)
    plan = [(col.key, index.get(col.key, _ABSENT), parse, col.type is ColType.DATE) for col, parse in inputs]
    data_idx = [index[col.key] for col, _ in inputs if col.counts_as_data and col.key in index]
    rows: list[dict[str, Any]] = []
    # The rows below a table's entries (formulas pre-filled to its capacity) hold calamine's "" in every data
    # column: one C-level pick and compare skips such a row; anything else is looked at cell by cell below.
    far = max(data_idx, default=-1) + 1
    pick = itemgetter(*data_idx) if data_idx else None
    nothing = pick([""] * far) if pick is not None else None
    for r in range(h + 1, len(grid)):
        line = grid[r]
        width = len(line)
        if pick is not None and width >= far and pick(line) == nothing:
            continue
        for i in data_idx:
            if i < width and (v := line[i]) != "" and v is not None and not _blank(v):
                break
        else:
            continue  # a blank row in the middle is skipped, not the end of the table
        values: dict[str, Any] = {"row": r + 1}
        for key, i, parse, is_date in plan:
            raw = line[i] if i < width else None
            if raw == "":
                values[key] = None  # calamine's empty cell (the common case)
                continue
            try:
                values[key] = parse(raw)
                if is_date and raw is not None and raw.__class__ is not str:
                    _stored_date(raw, values[key], issues, sheet=table.sheet, cell=f"{letters[key]}{r + 1}",
                                 row=r + 1, field=key, label=table.column(key).header,
                                 label_en=table.column(key).header_en)
            except nz.ParseError as exc:
                col = table.column(key)
                issues.append(make_issue(exc.code, sheet=table.sheet, cell=f"{letters[key]}{r + 1}", row=r + 1,
                                         field=key, label=col.header, label_en=col.header_en, value=exc.value,
                                         choices="ใช่ / ไม่ใช่"))
                values[key] = None
        rows.append(values)
    return letters, rows, h + 1


def _blank(v: Any) -> bool:
    if v is None or v == "":  # the common case, before the text is cleaned
        return True
    return isinstance(v, str) and nz.clean_text(v) is None
