"""Open a district workbook to write into it (``score``, ``register``): one way, with the same checks.

openpyxl loads every sheet, also those the reader never reads, so each sheet is first checked against
the limits (:mod:`kaset_xl.workbook.guard`).  A workbook with buttons (``.xlsm``) keeps its VBA
project, and the output must keep the input's kind: openpyxl writes a macro package whatever the
name, and Excel refuses to open an ``.xlsx`` that holds macros (or an ``.xlsm`` that holds none).
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path
from typing import Any

from kaset_xl.fileio import atomic_output
from kaset_xl.issues import KasetError
from kaset_xl.workbook.guard import open_guard

__all__ = ["open_for_writing", "save_workbook"]


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
        return openpyxl.load_workbook(io.BytesIO(data), keep_vba=src.suffix.lower() == ".xlsm", rich_text=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        raise KasetError("FILE_CORRUPT", file=str(path), reason=" ".join(str(exc).split())[:160]) from None


_SAVING = threading.Lock()  # one save at a time: the temporary files of a failed save are told apart by order


def save_workbook(wb: Any, target: str | os.PathLike[str]) -> None:
    """Save an openpyxl workbook to ``target`` atomically (whole or not at all).

    openpyxl writes each sheet to a temporary file in the system temp folder first and, when a save
    fails (a full disk), removes them only when the process ends: they are removed here at once."""
    from openpyxl.worksheet import _writer as sheet_writer

    temp_files: list[str] = getattr(sheet_writer, "ALL_TEMP_FILES", [])
    with _SAVING:
        start = len(temp_files)
        try:
            with atomic_output(target) as tmp:
                wb.save(tmp)
        finally:
            for name in temp_files[start:]:
                try:
                    os.remove(name)
                except FileNotFoundError:
                    pass
                except OSError:  # still open (Windows): openpyxl removes it when the process ends
                    continue
                temp_files.remove(name)
