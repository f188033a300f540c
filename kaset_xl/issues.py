"""Problems as data: a stable code, a severity, Thai and English messages and a location.

The message texts live in ``messages.toml`` beside this module (one entry per code), so that a
translator or a province can correct the wording without touching code.  Tests assert codes and
cells, never the prose.
"""

from __future__ import annotations

import tomllib
from enum import Enum
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["Severity", "Issue", "Message", "KasetError", "catalogue", "make_issue", "message"]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    FATAL = "fatal"  # the file as a whole cannot be used (exit code 2)

    @property
    def label_th(self) -> str:
        return {"error": "ข้อผิดพลาด", "warning": "คำเตือน", "fatal": "ใช้ไฟล์ไม่ได้"}[self.value]


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    th: str
    en: str


@cache
def catalogue() -> dict[str, Message]:
    """All message templates, keyed by code."""
    raw = tomllib.loads(files("kaset_xl").joinpath("messages.toml").read_text(encoding="utf-8"))
    return {code: Message(code=code, **entry) for code, entry in raw.items()}


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(code: str, **params: Any) -> tuple[Message, str, str]:
    """The catalogue entry of ``code`` and its Thai and English texts filled with ``params``."""
    msg = catalogue()[code]
    values = _Safe({k: ("" if v is None else v) for k, v in params.items()})
    return msg, msg.th.format_map(values), msg.en.format_map(values)


class Issue(BaseModel):
    """One problem found in a workbook, located at a cell."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message_th: str
    message_en: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    field: str | None = None

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def flat(self) -> dict[str, Any]:
        """A plain dict row (what ``--json`` prints)."""
        return self.model_dump(mode="json")


def make_issue(
    code: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    field: str | None = None,
    file: str | None = None,
    **params: Any,
) -> Issue:
    msg, th, en = message(code, **params)
    return Issue(
        code=code,
        severity=msg.severity,
        message_th=th,
        message_en=en,
        file=file,
        sheet=sheet,
        cell=cell,
        row=row,
        field=field,
    )


class KasetError(Exception):
    """A file or an input that cannot be used at all (exit code 2).

    Carries a catalogue code and the Thai and English text; never shown as a traceback.
    """

    def __init__(self, code: str, *, file: str | None = None, **params: Any) -> None:
        msg, th, en = message(code, file=file, **params)
        self.code = code
        self.file = file
        self.message_th = th
        self.message_en = en
        self.params = params
        super().__init__(f"[{code}] {en}")

    def as_issue(self) -> Issue:
        return Issue(
            code=self.code,
            severity=Severity.FATAL,
            message_th=self.message_th,
            message_en=self.message_en,
            file=self.file,
        )
