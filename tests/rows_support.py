"""A 60-member district workbook (issue 17's measure of weight) and its sheet-XML size."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from kaset_xl.areas import district_area
from kaset_xl.workbook.builder import WorkbookData, build_workbook
from sample_data import sample_data

PER_MEMBER = ("members",)  # the programme sheets keep the sample's selected group (15 members)


def sixty_member_data(members: int = 60) -> WorkbookData:
    """The Pai sample with its member-wise tables grown to ``members`` rows (copies renumbered)."""
    data = sample_data("5803")
    for key in PER_MEMBER:
        rows = list(data.tables[key])
        grown: list[dict[str, Any]] = [dict(rows[i % len(rows)], no=i + 1) for i in range(members)]
        data.tables[key] = grown
    return data


def build_sixty(path: Path, members: int = 60) -> Path:
    build_workbook(path, district_area("5803"), 2564, data=sixty_member_data(members))
    return path


def sheet_xml_bytes(path: Path) -> int:
    """Bytes of every worksheet's XML, uncompressed (what a reader parses)."""
    with zipfile.ZipFile(path) as z:
        return sum(i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/sheet"))
