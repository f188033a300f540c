"""Open a district workbook to write into it (``score``, ``register``): one way, with the same checks.

openpyxl loads every sheet, also those the reader never reads, so each sheet is first checked against
the limits (:mod:`kaset_xl.workbook.guard`).  A workbook with buttons (``.xlsm``) keeps its VBA
project, and the output must keep the input's kind: openpyxl writes a macro package whatever the
name, and Excel refuses to open an ``.xlsx`` that holds macros (or an ``.xlsm`` that holds none).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import zipfile
from collections.abc import Mapping
from copy import copy
from functools import partial
from pathlib import Path
from typing import Any

from kaset_xl.fileio import atomic_output
from kaset_xl.issues import KasetError
from kaset_xl.workbook.guard import open_guard

__all__ = ["open_for_writing", "save_workbook", "column_style", "set_print_rows", "print_area_to_row",
           "keep_merged_styles"]


def open_for_writing(path: str | os.PathLike[str], output: str | os.PathLike[str] | None = None) -> Any:
    """The workbook at ``path`` as an openpyxl Workbook, ready to be changed and saved to ``output``
    (default: ``path``).  Raises KasetError when the output's kind differs from the input's, when a
    sheet is beyond the limits, or when openpyxl cannot load the file."""
    import openpyxl

    src = Path(path)
    target = Path(output) if output is not None else src
    if target.suffix.lower() != src.suffix.lower():
        raise KasetError("OUTPUT_KIND_MISMATCH", file=str(target), suffix=target.suffix or "-",
                         expected=src.suffix.lower())
    guard = open_guard(src, str(path))  # openpyxl loads every sheet: each is checked against the limits first
    try:
        guard.scan_all_sheets()
        data = guard.data  # openpyxl loads the very bytes that were checked
    finally:
        guard.close()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=src.suffix.lower() == ".xlsm", rich_text=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        raise KasetError("FILE_CORRUPT", file=str(path), reason=" ".join(str(exc).split())[:160]) from None
    for ws in wb.worksheets:
        keep_merged_styles(ws)
    return wb


def keep_merged_styles(ws: Any) -> None:
    """The cells a merged range covers keep its first cell's style when saved again.  openpyxl loads them
    without one and leaves them out of the file; Excel and LibreOffice then give them their column's style,
    whose borders draw lines across a merged title over bordered table columns (the title blocks)."""
    for merged in ws.merged_cells.ranges:
        first = ws._cells.get((merged.min_row, merged.min_col))
        if first is None or not first.has_style:
            continue
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                cell = ws._cells.get((r, c))
                if cell is not None and cell is not first and not cell.has_style:
                    cell._style = copy(first._style)


_SAVING = threading.Lock()  # one save at a time: the temporary files of a failed save are told apart by order


def column_style(ws: Any, column: int) -> Any:
    """The style of an openpyxl worksheet's column (its number format, fill, font, protection), if any:
    what a new cell of that column must take, as Excel gives it (openpyxl gives it none)."""
    for dim in ws.column_dimensions.values():
        low, high = dim.min or 0, dim.max or 0
        if low <= column <= high and dim.has_style:
            return dim._style
    return None


_AREA = re.compile(r"^(.*!)?(\$?[A-Z]{1,3}\$?[0-9]+:\$?[A-Z]{1,3}\$?)([0-9]+)$")


def print_area_to_row(area: str, last_row: int) -> str | None:
    """A print area (``'Sheet'!$A$1:$R$24``, ``A1:R24``) ending at ``last_row`` instead; None: not one range."""
    m = _AREA.match(area.strip().lstrip("="))
    return None if m is None else f"{m.group(1) or ''}{m.group(2)}{last_row}"


def set_print_rows(wb: Any, last_rows: Mapping[str, int]) -> None:
    """A sheet that has a fixed print area (a workbook made before issue 15: 20 data rows) gets it down to its
    last row in use (``last_rows``: sheet → row), so that every row prints.  A sheet without one prints its
    used range, which follows the data by itself: it is left so."""
    for sheet, last in last_rows.items():
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        area = ws.print_area
        if area:
            changed = print_area_to_row(area.split("!")[-1], last)
            if changed is not None:
                ws.print_area = changed


def save_workbook(wb: Any, target: str | os.PathLike[str],
                  cached: Mapping[str, Mapping[str, float]] | None = None) -> None:
    """Save an openpyxl workbook to ``target`` atomically (whole or not at all).

    ``cached``: sheet → {cell: number}, the cached values of formula cells.  openpyxl saves every formula
    without one (a viewer that does not recalculate shows a blank); these are put into the saved sheets.

    openpyxl writes each sheet to a temporary file in the system temp folder first and, when a save
    fails (a full disk), removes them only when the process ends: they are removed here at once."""
    from openpyxl.worksheet import _writer as sheet_writer

    temp_files: list[str] = getattr(sheet_writer, "ALL_TEMP_FILES", [])
    with _SAVING:
        start = len(temp_files)
        try:
            with atomic_output(target) as tmp:
                wb.save(tmp)
                if cached:
                    _put_cached_values(Path(tmp), {wb[name].path.lstrip("/"): cells
                                                   for name, cells in cached.items() if name in wb.sheetnames})
        finally:
            for name in temp_files[start:]:
                try:
                    os.remove(name)
                except FileNotFoundError:
                    pass
                except OSError:  # still open (Windows): openpyxl removes it when the process ends
                    continue
                temp_files.remove(name)


# A formula cell as openpyxl writes it: <c r="K6" s="17"><f>…</f><v></v></c> (or <v/>, by its XML writer).
_FORMULA_CELL = re.compile(rb'(<c r="([A-Z]{1,3}[0-9]{1,7})"(?: s="[0-9]+")?><f>[^<]*</f>)<v(?:\s*/>|></v>)')


def _put_cached_values(path: Path, parts: Mapping[str, Mapping[str, float]]) -> None:
    """Rewrite the zip at ``path`` with the numbers of ``parts`` (sheet part → {cell: number}) as the cached
    values of those formula cells (a number needs no type attribute)."""
    scratch = path.with_name(path.stem + ".cached.tmp")  # beside it, hidden like it (.~kaset-….tmp)
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(scratch, "w") as out:
            for info in src.infolist():
                data = src.read(info)
                cells = parts.get(info.filename)
                if cells:
                    data = _FORMULA_CELL.sub(partial(_with_value, cells=cells), data)
                out.writestr(info, data)
        shutil.copymode(path, scratch)  # the permission bits atomic_output gave it
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def _with_value(m: re.Match[bytes], cells: Mapping[str, float]) -> bytes:
    v = cells.get(m.group(2).decode("ascii"))
    return m.group(0) if v is None else m.group(1) + b"<v>" + repr(float(v)).encode("ascii") + b"</v>"
