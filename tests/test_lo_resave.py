"""A real client's re-save (issue 13 item 11): every golden, every sample, a scored and a registered workbook
and the ``.xlsm`` template, opened and saved by LibreOffice as ``.xlsx`` (and as ``.xlsm`` where there is VBA),
read with exactly the same issues and values as the file kaset-xl (or the golden script) wrote.

LibreOffice runs twice in all (once per output format, every file in one invocation) with the session's
private profile (``-env:UserInstallation``): about 15 s.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kaset_xl.cli import cli
from kaset_xl.establish_register import register_file
from kaset_xl.scoring import score_file
from kaset_xl.validate import validate_file
from kaset_xl.workbook.reader import read_district_workbook
from sample_data import sample_data

ROOT = Path(__file__).resolve().parents[1]
PAI = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
TODAY = dt.date(2021, 9, 30)
XLSM_FILTER = "xlsm:Calc MS Excel 2007 VBA XML"


def _originals(folder: Path) -> list[Path]:
    """The files to re-save, under names of their own (one folder: LibreOffice names outputs by stem)."""
    out = []
    for p in sorted((ROOT / "tests" / "golden").glob("*.xlsx")):
        out.append(shutil.copy2(p, folder / f"golden-{p.name}"))
    for p in sorted((ROOT / "workbooks").glob("*.xlsx")):
        out.append(shutil.copy2(p, folder / f"sample-{p.name}"))
    scored = folder / "scored-5803.xlsx"
    score_file(PAI, scored, today=TODAY)
    registered = folder / "registered-5803.xlsx"
    registry = {g["name"] for g in sample_data("5803").tables["groups"]}
    group = next(a["name"] for a in sample_data("5803").tables["establish"]
                 if a["decision"] == "อนุมัติ" and a["name"] not in registry)
    register_file(PAI, group, registered)
    template = folder / "template-5803.xlsm"
    result = CliRunner().invoke(cli, ["template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(template)])
    assert result.exit_code == 0, result.output
    return [*map(Path, out), scored, registered, template]


@pytest.fixture(scope="module")
def resaved(soffice: Any, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """(original, LibreOffice's re-save) pairs."""
    base = tmp_path_factory.mktemp("lo-resave")
    src = base / "in"
    src.mkdir()
    originals = _originals(src)
    pairs = []
    for fmt, files in (("xlsx", originals), (XLSM_FILTER, [p for p in originals if p.suffix == ".xlsm"])):
        ext = fmt.split(":", 1)[0]
        outdir = base / ext
        result = soffice.run("--convert-to", fmt, "--outdir", str(outdir), *map(str, files))
        assert result.returncode == 0, result.stdout + result.stderr
        for p in files:
            out = outdir / f"{p.stem}.{ext}"
            assert out.is_file(), f"LibreOffice wrote no {out.name}: {result.stdout}{result.stderr}"
            pairs.append((p, out))
    return pairs


def _issues(path: Path) -> list[tuple[Any, ...]]:
    result = validate_file(path, today=TODAY)
    shown = str(path)
    return sorted((i.code, i.severity.value, i.sheet, i.cell, i.field, i.message_en.replace(shown, "FILE"))
                  for i in result.issues)


def _values(path: Path) -> dict[str, Any]:
    book = read_district_workbook(path)
    return {"identity": book.identity, "info": book.info, "rows": book.rows, "columns": book.columns,
            "header_rows": book.header_rows, "info_cells": book.info_cells}


def test_every_kind_of_workbook_is_re_saved(resaved: list[tuple[Path, Path]]) -> None:
    names = {o.name.split("-")[0] for o, _ in resaved}
    assert names == {"golden", "sample", "scored", "registered", "template"}
    assert {r.suffix for o, r in resaved if o.suffix == ".xlsm"} == {".xlsx", ".xlsm"}


def test_a_re_save_reads_with_the_same_issues_and_values(resaved: list[tuple[Path, Path]]) -> None:
    differ = []
    for original, again in resaved:
        if _issues(original) != _issues(again):
            differ.append(f"{again.name} ({again.suffix}): issues {set(_issues(again)) ^ set(_issues(original))}")
        elif _values(original) != _values(again):
            differ.append(f"{again.name} ({again.suffix}): values")
    assert not differ, "\n".join(differ)
