"""Outputs appear whole or not at all; consolidating twice gives the same workbook; one district's change
changes only that district's rows; the limits are one typed settings object (issue 7).

Interruptions are simulated where a real one would hurt most: after the temporary file is complete but
before the rename (an exception, and a SIGKILL of the whole process), for ``consolidate``, ``score`` and
``template``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kaset_xl.cli import cli
from kaset_xl.issues import KasetError
from kaset_xl.workbook import builder as builder_module
from kaset_xl.workbook.guard import DEFAULT_LIMITS, Limits
from kaset_xl.workbook.reader import read_district_workbook
from support import all_values

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "workbooks").glob("*.xlsx"))
PAI = ROOT / "workbooks" / "5803-Pai-2564.xlsx"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _kill_after_close(module: str, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child whose XlsxWriter/openpyxl write completes and then the process is killed
    (SIGKILL) before the rename into place."""
    code = textwrap.dedent(f"""
        import os, signal, sys
        import openpyxl.workbook.workbook as owb
        import xlsxwriter
        def die(*a, **k):
            real(*a, **k)
            os.kill(os.getpid(), signal.SIGKILL)
        if {module!r} == "xlsxwriter":
            real = xlsxwriter.Workbook.close
            xlsxwriter.Workbook.close = die
        elif {module!r} == "provincial":  # the provincial template filled and saved (openpyxl)
            import kaset_xl.consolidate.writer as pw
            real = pw._save
            pw._save = die
        else:
            real = owb.Workbook.save
            owb.Workbook.save = die
        from kaset_xl.cli import cli
        cli.main({argv!r}, prog_name="kaset-xl")
    """)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300)


# ---------------------------------------------------------------- whole or nothing


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_consolidate_killed_before_the_rename_leaves_the_old_output(samples: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "province.xlsx"
    args = ["consolidate", str(samples), "-o", str(out), "--jobs", "1"]
    killed = _kill_after_close("provincial", args, tmp_path)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists()
    assert all(p.name.startswith(".~kaset-") for p in out_dir.iterdir())  # at most a hidden temporary file
    assert run(*args).exit_code == 1  # written; 3 of 7 districts missing
    good = sha(out)
    killed = _kill_after_close("provincial", args, tmp_path)
    assert killed.returncode == -signal.SIGKILL
    assert sha(out) == good  # the previous output is whole


def test_consolidate_failing_mid_sheet_leaves_nothing(samples: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.worksheet._writer import WorksheetWriter

    out = tmp_path / "out" / "province.xlsx"
    out.parent.mkdir()
    calls = {"n": 0}
    real = WorksheetWriter.write_row

    def flaky(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 60:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(WorksheetWriter, "write_row", flaky)
    result = run("consolidate", str(samples), "-o", str(out), "--jobs", "1")
    assert result.exit_code == 2 and "[OUTPUT_WRITE_FAILED]" in result.output  # a full disk is a message (issue 13)
    assert list(out.parent.iterdir()) == []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_score_killed_before_the_rename_leaves_the_workbook_whole(tmp_path: Path) -> None:
    book = tmp_path / "ปาย 2564.xlsx"
    shutil.copy2(PAI, book)
    before = sha(book)
    killed = _kill_after_close("openpyxl", ["score", str(book)], tmp_path)  # into the file itself
    assert killed.returncode == -signal.SIGKILL
    assert sha(book) == before
    out = tmp_path / "scored.xlsx"
    killed = _kill_after_close("openpyxl", ["score", str(book), "-o", str(out)], tmp_path)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists() and sha(book) == before
    assert {p.name for p in tmp_path.iterdir() if not p.name.startswith(".~kaset-")} == {book.name}


def test_score_interrupted_leaves_no_output_and_no_temporary_file(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl.workbook.workbook as owb

    book = tmp_path / "pai.xlsx"
    shutil.copy2(PAI, book)
    before = sha(book)
    real = owb.Workbook.save

    def save_then_fail(self: Any, filename: Any) -> None:
        real(self, filename)
        raise OSError(28, "No space left on device")  # click turns Ctrl+C into "Aborted!": use an OSError

    monkeypatch.setattr(owb.Workbook, "save", save_then_fail)
    for args in ([str(book)], [str(book), "-o", str(tmp_path / "scored.xlsx")]):
        result = run("score", *args)
        assert result.exit_code == 2 and "[OUTPUT_WRITE_FAILED]" in result.output  # a message, not a traceback
    assert [p.name for p in tmp_path.iterdir()] == ["pai.xlsx"] and sha(book) == before


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_template_killed_before_the_rename_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "แบบฟอร์ม ปาย.xlsx"
    args = ["template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(out)]
    killed = _kill_after_close("xlsxwriter", args, tmp_path)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists()
    assert all(p.name.startswith(".~kaset-") for p in tmp_path.iterdir())


def test_template_interrupted_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = builder_module.xlsxwriter.Workbook.close

    def close_then_fail(self: Any) -> None:
        real(self)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(builder_module.xlsxwriter.Workbook, "close", close_then_fail)
    out = tmp_path / "pai.xlsm"
    result = run("template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(out))
    assert result.exit_code == 2 and "[OUTPUT_WRITE_FAILED]" in result.output
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- idempotence


def test_consolidating_twice_gives_the_same_bytes(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "province.xlsx"
    assert run("consolidate", str(samples), "-o", str(out), "--jobs", "1").exit_code == 1
    first, first_values = sha(out), all_values(out)
    assert run("consolidate", str(samples), "-o", str(out), "--jobs", "2").exit_code == 1  # replaces it
    assert all_values(out) == first_values
    assert sha(out) == first


def _district_of(row: list[Any], codes: set[str]) -> str | None:
    for v in row:
        s = str(v)
        if s in codes:
            return s
        for c in codes:
            if s.startswith(c + "-"):  # a source file name such as 5801-MueangMaeHongSon-2564.xlsx
                return c
    return None


def test_changing_one_district_changes_only_its_rows(samples: Path, tmp_path: Path) -> None:
    codes = {p.name[:4] for p in SAMPLES}
    a = tmp_path / "a.xlsx"
    assert run("consolidate", str(samples), "-o", str(a), "--jobs", "1").exit_code == 1
    pai = samples / PAI.name
    wb = openpyxl.load_workbook(pai)
    groups = wb["ทะเบียนกลุ่ม"]
    for col, value in zip("ABCDEFGHIJKLMN", (4, "กลุ่มปลูกผักปลอดภัย", "15", 3, "เวียงใต้", None, None, None, 0,
                                                   "ไม่ใช่", None, None, "ผัก", "ปลูกผัก"), strict=True):
        groups[f"{col}8"] = value
    groups["G8"] = groups["G7"].value
    wb.save(pai)
    b = tmp_path / "b.xlsx"
    assert run("consolidate", str(samples), "-o", str(b), "--jobs", "1").exit_code == 1
    before, after = all_values(a), all_values(b)
    assert list(before) == list(after)
    changed = set()
    for sheet in before:
        for code in codes - {"5803"}:
            rows_a = [r for r in before[sheet] if _district_of(r, codes) == code]
            rows_b = [r for r in after[sheet] if _district_of(r, codes) == code]
            assert rows_a == rows_b, (sheet, code)
        if [r for r in before[sheet] if _district_of(r, codes) == "5803"] != \
                [r for r in after[sheet] if _district_of(r, codes) == "5803"]:
            changed.add(sheet)
    assert {"กสอ.1", "ปัญหา", "ที่มา"} <= changed  # 4 groups now; a warning for the new group; a new sha256
    ksa1 = next(r for r in after["กสอ.1"] if r and r[0] == "5803")
    assert 4 in ksa1


# ---------------------------------------------------------------- limits are one typed object


def test_limits_are_one_frozen_settings_object(tmp_path: Path) -> None:
    assert DEFAULT_LIMITS == Limits()
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_LIMITS.max_rows = 5  # type: ignore[misc]
    assert DEFAULT_LIMITS.max_file_bytes == 50 * 1024 * 1024 and DEFAULT_LIMITS.max_rows == 100_000
    # each limit is applied as given: the sample passes the defaults and fails each lowered limit
    read_district_workbook(PAI)
    size = PAI.stat().st_size
    for limits, code in ((Limits(max_file_bytes=size - 1), "FILE_TOO_LARGE"),
                         (Limits(max_uncompressed_bytes=100_000), "FILE_UNZIPPED_TOO_LARGE"),
                         (Limits(max_ratio=2, ratio_min_bytes=10_000), "FILE_COMPRESSION_SUSPICIOUS"),
                         (Limits(max_rows=40), "SHEET_TOO_MANY_ROWS"),
                         (Limits(max_columns=10), "SHEET_TOO_MANY_COLUMNS")):
        with pytest.raises(KasetError) as info:
            read_district_workbook(PAI, limits=limits)
        assert info.value.code == code
        assert info.value.params["limit"]  # the message names the limit's value


def test_limit_boundaries_are_inclusive() -> None:
    """A sheet reaching exactly the limit is read; one row more is refused.  The farthest row the
    reader loads in the sample is row 53 (its last member; the live formulas stop 20 rows below each
    programme sheet's data, issue 17 — they used to reach row 2005)."""
    farthest = 53
    read_district_workbook(PAI, limits=Limits(max_rows=farthest))
    with pytest.raises(KasetError) as info:
        read_district_workbook(PAI, limits=Limits(max_rows=farthest - 1))
    assert info.value.code == "SHEET_TOO_MANY_ROWS" and info.value.params["rows"] == f"{farthest:,}"
