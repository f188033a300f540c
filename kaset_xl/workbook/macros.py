"""The VBA project of the macro workbook (``.xlsm``): the buttons' module plus xlwings' own module.

The buttons' VBA is ``kaset_xl/macros/KasetButtons.bas`` (package data; the repository's top-level
``macros/`` holds the same file for people who import it by hand).  ``xlwings.bas`` is taken from the
installed xlwings, whose version is pinned exactly: its DLL names carry the version, so the Python
package and the workbook's VBA must match.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path
from typing import NamedTuple

from kaset_xl.workbook.vba import VbaModule, build_vba_project

__all__ = ["Button", "BUTTONS", "ESTABLISH_BUTTONS", "BUTTONS_MODULE", "buttons_source", "xlwings_source", "vba_modules",
           "vba_project_bin"]

BUTTONS_MODULE = "KasetButtons"


class Button(NamedTuple):
    macro: str  # a Sub of KasetButtons.bas
    caption: str  # Thai, shown on the button (never in the VBA source, which is code page 1252)


BUTTONS: tuple[Button, ...] = (
    Button("KasetValidate", "ตรวจสอบข้อมูล"),
    Button("KasetScore", "คำนวณคะแนน"),
    Button("KasetBudget", "สรุปงบประมาณ"),
    Button("KasetClear", "ล้างผลตรวจสอบ"),
)
# On the establishment sheet (จัดตั้งกลุ่ม): they act on the application of the selected row.
ESTABLISH_BUTTONS: tuple[Button, ...] = (
    Button("KasetCertificate", "พิมพ์ใบรับรอง"),
    Button("KasetRegister", "ย้ายเข้าทะเบียน"),
)


def buttons_source() -> str:
    """The text of ``KasetButtons.bas`` as shipped in the package (CRLF line endings)."""
    data = (importlib.resources.files("kaset_xl") / "macros" / f"{BUTTONS_MODULE}.bas").read_bytes()
    return data.decode("ascii")


def xlwings_source() -> str:
    """``xlwings.bas`` of the installed xlwings (raises ``RuntimeError`` when xlwings is missing)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise RuntimeError("xlwings is not installed: it provides xlwings.bas for the macro workbook")
    path = Path(spec.origin).parent / "xlwings.bas"
    if not path.is_file():
        raise RuntimeError(f"the installed xlwings has no xlwings.bas ({path})")
    return path.read_bytes().decode("cp1252")


def vba_modules(sheet_count: int, *, xlwings: str | None = None) -> list[VbaModule]:
    """The project's modules: ``ThisWorkbook``, ``Sheet1`` … ``SheetN``, the buttons, ``xlwings``.

    The document modules match the code names XlsxWriter gives a workbook's sheets.  ``xlwings``
    replaces the xlwings module's source (tests put a stub ``RunPython`` there).
    """
    if sheet_count < 1:
        raise ValueError("a workbook has at least one sheet")
    return [
        VbaModule("ThisWorkbook", "document", ""),
        *(VbaModule(f"Sheet{i}", "document", "") for i in range(1, sheet_count + 1)),
        VbaModule(BUTTONS_MODULE, "standard", buttons_source()),
        VbaModule("xlwings", "standard", xlwings if xlwings is not None else xlwings_source()),
    ]


def vba_project_bin(sheet_count: int, *, xlwings: str | None = None) -> bytes:
    """The ``vbaProject.bin`` of a macro workbook with ``sheet_count`` worksheets (deterministic)."""
    return build_vba_project(vba_modules(sheet_count, xlwings=xlwings))
