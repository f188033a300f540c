"""Reading printed pages back: the words of a PDF with their boxes (``pdftotext -bbox``) and their printed size.

A word's box height is proportional to the size it is printed at; :func:`points_per_height` is measured once
from a cell of TH SarabunPSK 16 printed at 100 % (LibreOffice substitutes the installed Thai font, as on paper).
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', re.S)
_THAI = re.compile(r"[\u0e01-\u0e2e]")  # a Thai consonant: the body text of the forms


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def thai(self) -> bool:
        return bool(_THAI.search(self.text))


def pdf_pages(pdf: Path) -> list[list[Word]]:
    """Every page of ``pdf`` as its words."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[Word(html.unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3]))
             for m in _WORD.findall(page)] for page in _PAGE.findall(out)]


def page_text(words: list[Word]) -> str:
    return "".join(w.text for w in words)
