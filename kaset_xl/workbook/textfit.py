"""How much room a text takes on the printed form: widths from the font's metrics, wrapped lines, row heights.

Excel does not fit a row's height to its wrapped text when it opens a file (LibreOffice does): the builder sets
header heights from these figures.  The metrics are TH SarabunPSK's, through its metric-compatible twin Laksaman
(:mod:`kaset_xl.workbook.fontmetrics`, generated from the font files).  Measured through LibreOffice:

- a column ``w`` characters wide is ``(w + 5/7) × 8.7`` points (the font's digit is 0.544 em; XlsxWriter stores
  the width with Excel's 5-pixel padding);
- a wrapped line of 16 pt text takes 26.5 points.
"""

from __future__ import annotations

import math
import re

from kaset_xl.workbook.fontmetrics import BOLD, REGULAR

__all__ = ["text_width", "column_points", "stored_column_points", "wrap", "lines_height", "LINE_HEIGHT_16", "DIGIT_EM",
           "CELL_PADDING"]

DIGIT_EM = 0.544  # the digit's advance (Excel's "maximum digit width"), in em
LINE_HEIGHT_16 = 26.5  # points a wrapped line of 16 pt takes (LibreOffice with Laksaman)
CELL_PADDING = 4.0  # points of a cell's width that text does not use (inset on both sides)
_DEFAULT_EM = 0.6  # a character the table lacks
_BREAK = re.compile(r"(\s+)")
_HYPHENATED = re.compile(r"[^-/]*[-/]+|[^-/]+")  # a Latin word's pieces, each with the hyphens or slashes after it


def text_width(text: str, size: float = 16, *, bold: bool = False) -> float:
    """Points ``text`` takes on one line (Thai vowel and tone marks above or below take none)."""
    table = BOLD if bold else REGULAR
    return sum(table.get(ord(ch), _DEFAULT_EM * 1000) for ch in text) * size / 1000


def column_points(width: float, size: float = 16) -> float:
    """Points of a column ``width`` characters wide (the workbook's default font at ``size`` pt)."""
    return (width + 5 / 7) * DIGIT_EM * size


def stored_column_points(width: float, size: float = 16) -> float:
    """Points of a column whose width the file stores as ``width`` (what openpyxl reads: XlsxWriter adds the
    5-pixel padding to the width it is given, :func:`column_points`)."""
    return width * DIGIT_EM * size


def _split_long(token: str, room: float, size: float, bold: bool) -> list[str]:
    """A word wider than the cell, broken as LibreOffice breaks it.  Thai breaks between letters (a mark stays
    with its letter).  A Latin word (a file name: 5801-MueangMaeHongSon-2564.xlsx, a path) breaks after a hyphen
    or a slash, and a piece still wider than the cell between characters."""
    parts: list[str] = []
    current = ""
    for piece in _HYPHENATED.findall(token) if token.isascii() else list(token):
        if text_width(current + piece, size, bold=bold) <= room or not text_width(piece, size, bold=bold):
            current += piece  # it fits (a Thai mark stays with its letter)
            continue
        if current:
            parts.append(current)
            current = ""
        for ch in piece:  # a piece wider than the cell: between characters
            if current and text_width(current + ch, size, bold=bold) > room:
                parts.append(current)
                current = ""
            current += ch
    return [*parts, current] if current else parts


def wrap(text: str, width_points: float, size: float = 16, *, bold: bool = False) -> list[str]:
    """``text`` wrapped into lines of at most ``width_points`` (less the cell's padding), at spaces, and inside
    a Thai word only where it does not fit a line of its own."""
    room = max(width_points - CELL_PADDING, 1.0)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in (t for t in _BREAK.split(paragraph) if t and not t.isspace()):
            candidate = f"{line} {token}" if line else token
            if text_width(candidate, size, bold=bold) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _split_long(token, room, size, bold) if text_width(token, size, bold=bold) > room else [token]
            lines.extend(pieces[:-1])
            line = pieces[-1]
        lines.append(line)
    return lines


def lines_height(lines: int, size: float = 16) -> float:
    """Row height (points) for ``lines`` wrapped lines at ``size`` pt, with a little air."""
    return math.ceil(lines * LINE_HEIGHT_16 * size / 16 + 4)
