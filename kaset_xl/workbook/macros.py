"""The VBA project of the macro workbook (``.xlsm``): the buttons' module plus xlwings' own modules.

Two kinds of workbook, the same buttons:

- *desktop* (``RunPython``): ``macros/KasetButtons.bas`` (the repository's top-level folder, installed as the
  package data ``kaset_xl.macros``), ``xlwings.bas`` and
  ``Dictionary.cls`` (which ``xlwings.bas`` uses on a Mac);
- *server* (``RunRemotePython``): a buttons module made for one server URL (:func:`server_buttons_source`),
  ``xlwings.bas`` (its ``GetConfig`` and version), ``Dictionary.cls`` and xlwings' VBA client:
  ``Remote.bas`` with the VBA-Web modules — the modules xlwings' own ``release`` command imports.

Every xlwings module is taken from the installed xlwings at build time, whose version is pinned
exactly: ``xlwings.bas``'s DLL names and ``Remote.bas``'s request carry the version, so the Python
package and the workbook's VBA must match.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import re
from pathlib import Path
from typing import NamedTuple

from kaset_xl.workbook.vba import ModuleKind, VbaModule, build_vba_project

__all__ = ["Button", "BUTTONS", "ESTABLISH_BUTTONS", "BUTTONS_MODULE", "CLIENT_MODULES", "ServerBinding",
           "buttons_source", "server_buttons_source", "xlwings_source", "xlwings_addin_source", "vba_modules",
           "vba_project_bin"]

BUTTONS_MODULE = "KasetButtons"
# xlwings' VBA client for a server (its ``addin`` folder), in the order xlwings' ``release`` imports it.
CLIENT_MODULES: tuple[tuple[str, ModuleKind], ...] = (
    ("Remote", "standard"), ("IWebAuthenticator", "class"), ("WebClient", "class"), ("WebRequest", "class"),
    ("WebResponse", "class"), ("WebHelpers", "standard"),
)
# The Python function of kaset_xl.xl behind each button: the server's path is /xlwings/<function>.
FUNCTIONS = {"KasetValidate": "validate", "KasetScore": "score", "KasetBudget": "budget",
             "KasetClear": "clear_results", "KasetCertificate": "certificate", "KasetRegister": "register"}


class ServerBinding(NamedTuple):
    """Where a server workbook's buttons post: ``url`` of the service (``https://host/``), and the
    district's ``token`` (``None``: the workbook asks the officer once and keeps it)."""

    url: str
    token: str | None = None


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
    data = (importlib.resources.files("kaset_xl.macros") / f"{BUTTONS_MODULE}.bas").read_bytes()
    return data.decode("ascii")


def _xlwings_file(relative: str) -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise RuntimeError("xlwings is not installed: it provides the VBA modules of the macro workbook")
    path = Path(spec.origin).parent / relative
    if not path.is_file():
        raise RuntimeError(f"the installed xlwings has no {relative} ({path})")
    return path


def xlwings_source() -> str:
    """``xlwings.bas`` of the installed xlwings (raises ``RuntimeError`` when xlwings is missing)."""
    return _xlwings_file("xlwings.bas").read_bytes().decode("cp1252")


_CLASS_HEADER = re.compile(r"\AVERSION [^\r\n]*\r?\nBEGIN\r?\n.*?^END\r?\n", re.S | re.M)


def xlwings_addin_source(name: str) -> str:
    """A module of the installed xlwings' ``addin`` folder (``Remote``, ``Dictionary``, …) as stored in a
    VBA project: a class module's exported-file header (``VERSION 1.0 CLASS`` … ``END``) removed."""
    for suffix in (".bas", ".cls"):
        try:
            path = _xlwings_file(f"addin/{name}{suffix}")
        except RuntimeError:
            continue
        return _CLASS_HEADER.sub("", path.read_bytes().decode("cp1252"), count=1)
    raise RuntimeError(f"the installed xlwings has no VBA module {name!r} in its addin folder")


_URL = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(?:/[A-Za-z0-9._~\-/%]*)?")
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,128}")


def server_buttons_source(server: ServerBinding) -> str:
    """The buttons' module of a server workbook: each button posts the book to ``<url>/xlwings/<function>``
    with xlwings' ``RunRemotePython``; the token is embedded, or asked once and kept in the workbook (a
    hidden name, which xlwings' client never sends: it sends only names that refer to cells).

    Raises ``ValueError`` for a URL or token that cannot be written safely into VBA source.
    """
    if not _URL.fullmatch(server.url):
        raise ValueError(f"the server URL must be http(s)://host[:port][/path] in plain ASCII, not {server.url!r}")
    if server.token is not None and not _TOKEN.fullmatch(server.token):
        raise ValueError("a token is 16–128 characters of A–Z, a–z, 0–9, '-' and '_'")
    text = (importlib.resources.files("kaset_xl.macros") / "KasetServerButtons.bas").read_bytes().decode("ascii")
    base = server.url.rstrip("/") + "/xlwings/"
    return text.replace("{{URL}}", base).replace("{{TOKEN}}", server.token or "")


def vba_modules(sheet_count: int, *, xlwings: str | None = None,
                server: ServerBinding | None = None) -> list[VbaModule]:
    """The project's modules: ``ThisWorkbook``, ``Sheet1`` … ``SheetN``, the buttons, ``xlwings``,
    ``Dictionary``, and with ``server`` xlwings' VBA client (:data:`CLIENT_MODULES`).

    The document modules match the code names XlsxWriter gives a workbook's sheets.  ``xlwings``
    replaces the xlwings module's source (tests put a stub ``RunPython`` there).
    """
    if sheet_count < 1:
        raise ValueError("a workbook has at least one sheet")
    buttons = buttons_source() if server is None else server_buttons_source(server)
    modules = [
        VbaModule("ThisWorkbook", "document", ""),
        *(VbaModule(f"Sheet{i}", "document", "") for i in range(1, sheet_count + 1)),
        VbaModule(BUTTONS_MODULE, "standard", buttons),
        VbaModule("xlwings", "standard", xlwings if xlwings is not None else xlwings_source()),
        VbaModule("Dictionary", "class", xlwings_addin_source("Dictionary")),
    ]
    if server is not None:
        modules += [VbaModule(name, kind, xlwings_addin_source(name)) for name, kind in CLIENT_MODULES]
    return modules


def vba_project_bin(sheet_count: int, *, xlwings: str | None = None, server: ServerBinding | None = None) -> bytes:
    """The ``vbaProject.bin`` of a macro workbook with ``sheet_count`` worksheets (deterministic)."""
    return build_vba_project(vba_modules(sheet_count, xlwings=xlwings, server=server))
