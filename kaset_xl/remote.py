"""The buttons for xlwings' VBA client (``RunRemotePython``): district tokens, request checks, one click.

The library half of ``kaset-xl serve`` (the web shell is :mod:`kaset_xl.server`): nothing here needs
a web framework, so the rules are tested on their own.

- **Tokens**: one per district.  The tokens file keeps only each token's SHA-256 (``5803 sha256:…``
  per line, ``#`` comments), so the file alone cannot be used to click; a presented token is hashed
  and compared with every entry in constant time (:func:`hmac.compare_digest`).
- **Requests**: the JSON body xlwings' VBA client posts (``client``, ``version``, ``book``, ``names``,
  ``sheets`` with their ``values``).  :func:`check_payload` applies the hostile-file limits of the file
  path (:class:`~kaset_xl.workbook.guard.Limits`: rows, columns and cells per sheet) to these values
  before anything builds a book from them, and :func:`payload_district` reads the identity sheet
  (``_kaset``) so that a token only ever works on its own district's workbook.
- **A click**: :func:`run_button` opens the request's book on xlwings' remote engine in an ``App`` of its
  own (so concurrent clicks never share xlwings' "active book"), runs the very function the desktop
  button runs (:mod:`kaset_xl.xl`), returns ``book.json()`` (the actions the VBA client applies) and
  closes the book.  Nothing of the workbook is kept; :class:`ClickLog` is the one line that is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaset_xl.fileio import read_small_file
from kaset_xl.issues import KasetError
from kaset_xl.workbook.guard import DEFAULT_LIMITS, MB, Limits, check_extent

__all__ = ["BUTTONS", "MAX_BODY_BYTES", "MAX_SHEETS", "MAX_TEXT", "RemoteRefusal", "TokenBook", "ClickLog",
           "new_token", "token_digest", "add_token", "check_payload", "payload_district", "run_button",
           "engine_problem"]

# The functions of kaset_xl.xl a request may name (the path /xlwings/<function>).
BUTTONS = ("validate", "score", "budget", "clear_results", "register", "certificate")
MAX_BODY_BYTES = 5 * MB  # a 2,000-member district workbook posts ~1 MB of values
MAX_SHEETS = 64  # a district workbook has 15
MAX_TEXT = 32_767  # the most characters an Excel cell holds
_DISTRICT = re.compile(r"[0-9]{4}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


class RemoteRefusal(Exception):
    """A request refused before any button runs: an HTTP status and a catalogue message (Thai + English)."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        err = KasetError(code, **params)
        self.status = status
        self.code = code
        self.message_th = err.message_th
        self.message_en = err.message_en
        super().__init__(f"[{code}] {err.message_en}")


# ----------------------------------------------------------------------------------------------- tokens

def new_token() -> str:
    """A fresh district token: 43 URL-safe characters (256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenBook:
    """The districts' token digests, as read from a tokens file."""

    def __init__(self, entries: Mapping[str, str]) -> None:
        self.entries = dict(entries)  # district code → "sha256:…"

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TokenBook:
        """Read a tokens file (raises ``KasetError`` on a bad line, a missing or an empty file)."""
        file = Path(path)
        try:
            text = read_small_file(file).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise KasetError("FILE_UNREADABLE", file=str(file), reason=type(exc).__name__) from None
        entries: dict[str, str] = {}
        for n, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or not _DISTRICT.fullmatch(parts[0]) or not _DIGEST.fullmatch(parts[1]):
                raise KasetError("TOKENS_FILE_BAD", file=str(file), line=n)
            entries[parts[0]] = parts[1]
        if not entries:
            raise KasetError("TOKENS_FILE_EMPTY", file=str(file))
        return cls(entries)

    def district_of(self, token: str) -> str | None:
        """The district whose token this is (None: no district's).  Every entry is compared, each in
        constant time, so the time taken tells nothing about which entry came close."""
        presented = token_digest(token).encode("ascii")
        found = None
        for district, digest in self.entries.items():
            if hmac.compare_digest(presented, digest.encode("ascii")):
                found = district
        return found


def add_token(path: str | os.PathLike[str], district: str, *, today: dt.date | None = None) -> str:
    """Make a new token for ``district`` (4-digit code), record its digest in the tokens file at ``path``
    (created when missing; an earlier token of the district is replaced, i.e. revoked) and return it.
    The file is replaced atomically and readable by its owner only."""
    from kaset_xl.areas import district_area

    try:
        if not _DISTRICT.fullmatch(district):
            raise KeyError(district)
        district_area(district)
    except KeyError:
        raise KasetError("UNKNOWN_DISTRICT", value=district, province=f" (รหัส {district[:2]})") from None
    file = Path(path)
    lines: list[str] = []
    if file.exists():
        if file.stat().st_size:
            TokenBook.load(file)  # refuse to rewrite a file that cannot be read
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.split("#", 1)[0].split()[:1] != [district]:
                lines.append(line)
    else:
        lines.append("# kaset-xl serve: district tokens (SHA-256 only; the tokens themselves are never stored)")
    token = new_token()
    lines.append(f"{district} {token_digest(token)}  # {(today or dt.date.today()).isoformat()}")
    tmp = file.with_name(file.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    os.replace(tmp, file)
    return token


# ----------------------------------------------------------------------------------------------- requests

def _bad(reason: str) -> RemoteRefusal:
    return RemoteRefusal(400, "SERVER_BAD_REQUEST", reason=reason)


def _check_sheet(sheet: Any, name: str, lim: Limits) -> None:
    if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str):
        raise _bad("sheet without a name")
    values = sheet.get("values")
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise _bad(f"sheet {sheet['name']!r}: values are not rows")
    rows = len(values)
    columns = max((len(r) for r in values), default=0)
    shown = sheet["name"]
    try:
        check_extent(name, shown, rows, columns, lim)
    except KasetError as exc:
        raise RemoteRefusal(422, exc.code, **exc.params, file=name) from None
    for row in values:
        for v in row:
            if v is None or isinstance(v, (bool, int, float)):
                continue
            if not isinstance(v, str):
                raise _bad(f"sheet {shown!r}: a cell holds a {type(v).__name__}")
            if len(v) > MAX_TEXT:
                raise RemoteRefusal(422, "SERVER_CELL_TOO_LONG", file=name, sheet=shown, length=f"{len(v):,}",
                                    limit=f"{MAX_TEXT:,}")


def check_payload(payload: Any, limits: Limits | None = None) -> None:
    """Refuse (``RemoteRefusal``) a body that is not what xlwings' VBA client posts, or whose values break
    the file path's limits.  Runs before the remote engine sees the values."""
    import xlwings

    lim = limits or DEFAULT_LIMITS
    if not isinstance(payload, dict):
        raise _bad("not a JSON object")
    book = payload.get("book")
    sheets = payload.get("sheets")
    if not isinstance(book, dict) or not isinstance(book.get("name"), str) or not isinstance(sheets, list):
        raise _bad("no book or sheets")
    if not isinstance(payload.get("names", []), list) or not isinstance(book.get("active_sheet_index", 0), int):
        raise _bad("names or active sheet")
    if payload.get("client") != "VBA":
        raise _bad("not xlwings' VBA client")
    if payload.get("version") != xlwings.__version__:
        raise RemoteRefusal(422, "SERVER_XLWINGS_VERSION", client=str(payload.get("version"))[:20],
                            server=xlwings.__version__)
    name = book["name"][:200]
    if len(sheets) > MAX_SHEETS:
        raise RemoteRefusal(422, "SERVER_TOO_MANY_SHEETS", file=name, count=len(sheets), limit=MAX_SHEETS)
    for sheet in sheets:
        _check_sheet(sheet, name, lim)


def payload_district(payload: Mapping[str, Any]) -> str | None:
    """The district code recorded on the request's identity sheet (``_kaset``); None when there is none."""
    from kaset_xl.workbook.layout import LAYOUT

    for sheet in payload.get("sheets", []):
        if sheet.get("name") != LAYOUT.meta_sheet:
            continue
        for row in sheet.get("values", []):
            if len(row) >= 2 and row[0] == "district_code":
                value = row[1]
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                text = str(value).strip() if value is not None else ""
                return text if _DISTRICT.fullmatch(text) else None
    return None


# ----------------------------------------------------------------------------------------------- a click

_engine_lock = threading.Lock()


def engine_problem() -> str | None:
    """Why xlwings' remote engine cannot run in this process (None: it can).  The licence key
    (``XLWINGS_LICENSE_KEY=noncommercial`` — PolyForm Noncommercial, which allows government
    institutions) must be set before xlwings is first imported; if it was imported earlier, the
    engine is registered now with xlwings' own code."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    with _engine_lock:
        import xlwings

        if any(e.name == "remote" for e in xlwings.engines):
            return None
        try:
            from xlwings.pro import _xlremote
            from xlwings.pro.utils import LicenseHandler

            LicenseHandler.validate_license.cache_clear()
            xlwings.engines.add(xlwings.Engine(impl=_xlremote.engine))
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
    return None


@dataclass
class ClickLog:
    """The one line the server keeps of a click: no names, no values."""

    district: str
    button: str
    status: int
    millis: int
    sheets: int = 0
    cells: int = 0
    actions: int = 0
    alerts: int = 0

    def line(self) -> str:
        return (f"district={self.district} button={self.button} status={self.status} ms={self.millis} "
                f"sheets={self.sheets} cells={self.cells} actions={self.actions} alerts={self.alerts}")


def run_button(button: str, payload: dict[str, Any], *, log: ClickLog | None = None) -> dict[str, Any]:
    """Run the desktop button ``button`` (a name of :data:`BUTTONS`) on the request's book; return the
    response body (``{"actions": […]}``).  A Thai problem becomes an ``alert`` action, as on the desktop."""
    import xlwings as xw

    from kaset_xl import xl

    problem = engine_problem()
    if problem:
        raise RuntimeError(f"xlwings' remote engine is not available: {problem}")
    app = xw.engines["remote"].apps.add(add_book=False)
    try:
        try:
            book = app.books.open(json=payload)
        except Exception as exc:  # a body in the client's shape that the engine still cannot open
            raise RemoteRefusal(400, "SERVER_BAD_REQUEST", reason=f"xlwings: {type(exc).__name__}") from None
        try:
            if button == "certificate":  # a PDF on the server is no use to the district
                xl._alert(book, KasetError("SERVER_NO_CERTIFICATE").message_th, critical=False)
            else:
                getattr(xl, button)(book)
            result = book.json()
        finally:
            book.close()
    finally:
        app.kill()
    if log is not None:
        actions = result.get("actions", [])
        log.sheets = len(payload.get("sheets", []))
        log.cells = sum(len(r) for s in payload.get("sheets", []) for r in s.get("values", []))
        log.actions = len(actions)
        log.alerts = sum(1 for a in actions if a.get("func") == "alert")
    return result


def failure_text(exc: BaseException) -> str:
    """What the officer sees when a button fails unexpectedly on the server (no traceback, no values)."""
    now = dt.datetime.now()
    return KasetError("SERVER_UNEXPECTED", kind=type(exc).__name__,
                      time=f"{now.day}/{now.month:02d}/{now.year + 543} {now:%H:%M:%S}").message_th
