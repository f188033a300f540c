"""The ``kaset-xl`` command line, through click's CliRunner (and once through ``python -m kaset_xl``).

Exit codes: 0 no errors, 1 errors in the data, 2 a file cannot be used.  Tests assert codes, never
prose; every run also checks that no traceback leaked and that no input file was touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
from click.testing import CliRunner, Result

from kaset_xl import remote
from kaset_xl.cli import cli
from kaset_xl.criteria import load_criteria
from kaset_xl.fileio import SMALL_FILE_LIMIT
from kaset_xl.issues import KasetError
from kaset_xl.workbook.layout import LAYOUT
from kaset_xl.workbook.reader import read_district_workbook
from kaset_xl.workbook.sniff import sha256_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "workbooks").glob("*.xlsx"))
MEMBERS = LAYOUT.table("members")
ISSUE_KEYS = {"code", "severity", "message_th", "message_en", "file", "sheet", "cell"}


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    # a command ends with sys.exit(code) or returns; any other exception is a crash
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def test_samples_exist() -> None:
    assert len(SAMPLES) >= 4, SAMPLES


# ------------------------------------------------------------------------- help and docs

COMMANDS = sorted(cli.commands)


def test_top_level_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"{name} has no docstring"
    result = run(name, "--help")
    assert result.exit_code == 0, result.output
    assert f"kaset-xl {name}" in result.output or "Usage:" in result.output
    short = run(name, "-h")
    assert short.exit_code == 0 and short.output == result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name: str) -> None:
    """Every command is documented in README.md (read at test time)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"kaset-xl {name}" in readme, f"README.md does not mention `kaset-xl {name}`"


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and "kaset-xl" in result.output


def test_python_dash_m() -> None:
    proc = subprocess.run([sys.executable, "-m", "kaset_xl", "--help"], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "validate" in proc.stdout and "Traceback" not in proc.stderr


# -------------------------------------------------------------------- input files for validate


def _load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():  # openpyxl warns about the data-validation extension it drops
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path)


def _edited_copy(src: Path, dst: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = _load(src)
    edit(wb)
    wb.save(dst)
    return dst


def _header_cells(ws: Any) -> dict[str, int]:
    """Column key → 1-based column index, found by header text in the members sheet."""
    found = {}
    for cell in ws[MEMBERS.header_row]:
        for col in MEMBERS.columns:
            if cell.value == col.header_label:
                found[col.key] = cell.column
    return found


def _swap_member_columns(a: str, b: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[MEMBERS.sheet]
        cols = _header_cells(ws)
        ca, cb = cols[a], cols[b]
        for r in range(MEMBERS.header_row, ws.max_row + 1):
            x, y = ws.cell(r, ca), ws.cell(r, cb)
            (x.value, x.number_format), (y.value, y.number_format) = (
                (y.value, y.number_format), (x.value, x.number_format))

    return edit


def _set_meta(key: str, value: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[LAYOUT.meta_sheet]
        for row in ws.iter_rows(min_col=1, max_col=2):
            if row[0].value == key:
                row[1].value = value
                return
        raise AssertionError(f"{key} not in the identity sheet")

    return edit


def _delete_sheet(name: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        del wb[name]

    return edit


def _rename_member_header(key: str, new: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[MEMBERS.sheet]
        ws.cell(MEMBERS.header_row, _header_cells(ws)[key]).value = new

    return edit


def _clear_member(key: str, row: int) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[MEMBERS.sheet]
        ws.cell(row, _header_cells(ws)[key]).value = None

    return edit


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Good, erroneous and unusable inputs, made once for this module."""
    d = tmp_path_factory.mktemp("cli-inputs")
    pai = next(p for p in SAMPLES if p.name.startswith("5803"))
    out: dict[str, Path] = {}
    out["missing"] = d / "no-such-file.xlsx"
    out["empty"] = d / "empty.xlsx"
    out["empty"].write_bytes(b"")
    out["csv"] = d / "members-csv.xlsx"
    out["csv"].write_text("ชื่อ,นามสกุล,เลขประจำตัวประชาชน\nสมชาย,ใจดี,1101700230708\n", encoding="utf-8")
    out["folder"] = d / "folder.xlsx"
    out["folder"].mkdir()
    out["zip"] = d / "random.xlsx"
    with zipfile.ZipFile(out["zip"], "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
        zf.writestr("data/numbers.csv", "1,2,3\n")
    out["plain"] = d / "plain-openpyxl.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "ชื่อกลุ่ม"
    wb.save(out["plain"])
    out["version"] = _edited_copy(pai, d / "version-9.9.xlsx", _set_meta("template_version", "9.9"))
    out["no_sheet"] = _edited_copy(pai, d / "no-members-sheet.xlsx", _delete_sheet(MEMBERS.sheet))
    out["header"] = _edited_copy(pai, d / "renamed-header.xlsx",
                                 _rename_member_header("first_name", "ชื่อจริง"))
    out["resaved"] = _edited_copy(pai, d / "resaved.xlsx", lambda wb: None)
    out["reordered"] = _edited_copy(pai, d / "reordered.xlsx", _swap_member_columns("first_name", "birth_date"))
    out["errors"] = _edited_copy(pai, d / "errors.xlsx", _clear_member("last_name", MEMBERS.first_data_row))
    return out


FATAL = {
    "missing": "FILE_NOT_FOUND",
    "empty": "FILE_EMPTY",
    "csv": "FILE_NOT_XLSX",
    "folder": "FILE_IS_FOLDER",
    "zip": "FILE_NOT_XLSX",
    "plain": "NOT_DISTRICT_WORKBOOK",
    "version": "TEMPLATE_VERSION_UNKNOWN",
    "no_sheet": "SHEET_MISSING",
    "header": "HEADER_MISSING",
}


def _snapshot(paths: list[Path]) -> dict[str, Any]:
    """What must not change: content hash and mtime of files, mtime and listing of folders."""
    snap: dict[str, Any] = {}
    for p in paths:
        if p.is_dir():
            snap[str(p)] = ("dir", p.stat().st_mtime_ns, sorted(x.name for x in p.iterdir()))
        elif p.exists():
            snap[str(p)] = ("file", sha256_of(p), p.stat().st_mtime_ns, p.stat().st_size)
        else:
            snap[str(p)] = ("missing",)
    for folder in {p.parent for p in paths}:  # no lock, backup or temporary file left beside the inputs
        snap[f"{folder}/*"] = sorted(x.name for x in folder.iterdir())
    return snap


@pytest.fixture
def unchanged() -> Iterator[Callable[..., None]]:
    """``unchanged(*paths)`` registers inputs; after the test their snapshot must be the same."""
    watched: list[tuple[list[Path], dict[str, Any]]] = []

    def watch(*paths: Path) -> None:
        ps = [Path(p) for p in paths]
        watched.append((ps, _snapshot(ps)))

    yield watch
    for ps, before in watched:
        assert _snapshot(ps) == before


# -------------------------------------------------------------------------------- validate


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_validate_sample(sample: Path, unchanged: Callable[..., None]) -> None:
    unchanged(sample)
    result = run("validate", str(sample))
    assert result.exit_code == 0, result.output
    assert sample.name in result.output
    as_json = run("validate", "--json", str(sample))
    assert as_json.exit_code == 0
    issues = json.loads(as_json.stdout)
    assert isinstance(issues, list)
    assert not [i for i in issues if i["severity"] in ("error", "fatal")]


def test_validate_all_samples_at_once(unchanged: Callable[..., None]) -> None:
    unchanged(*SAMPLES)
    result = run("validate", *map(str, SAMPLES))
    assert result.exit_code == 0, result.output
    for p in SAMPLES:
        assert p.name in result.output


@pytest.mark.parametrize("kind", sorted(FATAL))
def test_validate_unusable_file(kind: str, files: dict[str, Path], unchanged: Callable[..., None]) -> None:
    path = files[kind]
    unchanged(path)
    result = run("validate", str(path))
    assert result.exit_code == 2, result.output
    assert f"[{FATAL[kind]}]" in result.output
    assert path.name in result.output

    as_json = run("validate", "--json", str(path))
    assert as_json.exit_code == 2
    issues = json.loads(as_json.stdout)
    assert [(i["code"], i["severity"]) for i in issues] == [(FATAL[kind], "fatal")]
    assert issues[0]["file"] == str(path)
    assert ISSUE_KEYS <= issues[0].keys()


def test_resaved_by_openpyxl_still_valid(files: dict[str, Path]) -> None:
    """Control for the edits below: a sample saved again by openpyxl, unchanged, has no errors."""
    result = run("validate", "--json", str(files["resaved"]))
    assert result.exit_code == 0, result.output
    assert not [i for i in json.loads(result.stdout) if i["severity"] != "warning"]


def test_reordered_columns_are_found_by_header(files: dict[str, Path], unchanged: Callable[..., None]) -> None:
    unchanged(files["reordered"])
    result = run("validate", "--json", str(files["reordered"]))
    assert result.exit_code == 0, result.output
    assert [i for i in json.loads(result.stdout) if i["severity"] != "warning"] == []

    moved = read_district_workbook(files["reordered"])
    before = read_district_workbook(files["resaved"])
    assert moved.columns["members"]["first_name"] == MEMBERS.letter("birth_date")
    assert moved.columns["members"]["birth_date"] == MEMBERS.letter("first_name")
    assert moved.members == before.members and len(moved.members) > 0


def test_validate_errors_exit_1_with_cell(files: dict[str, Path], unchanged: Callable[..., None]) -> None:
    path = files["errors"]
    unchanged(path)
    result = run("validate", "--json", str(path))
    assert result.exit_code == 1, result.output
    issues = json.loads(result.stdout)
    cell = f"{MEMBERS.letter('last_name')}{MEMBERS.first_data_row}"
    assert ("REQUIRED_MISSING", "error", MEMBERS.sheet, cell) in {
        (i["code"], i["severity"], i["sheet"], i["cell"]) for i in issues}
    text = run("validate", str(path))
    assert text.exit_code == 1 and "REQUIRED_MISSING" in text.output


@pytest.mark.parametrize(
    ("kinds", "code"),
    [
        (["good", "good"], 0),
        (["good", "errors"], 1),
        (["errors", "good"], 1),
        (["good", "errors", "missing"], 2),
        (["missing", "good"], 2),
        (["version", "errors"], 2),
        (["empty", "folder", "csv", "zip", "plain", "good"], 2),
    ],
)
def test_validate_many_exit_code_is_the_worst(kinds: list[str], code: int, files: dict[str, Path],
                                              unchanged: Callable[..., None]) -> None:
    paths = [SAMPLES[0] if k == "good" else files[k] for k in kinds]
    unchanged(*paths)
    result = run("validate", *map(str, paths))
    assert result.exit_code == code, result.output
    for p in paths:
        assert p.name in result.output  # every file is reported, also after an unusable one
    for k in kinds:
        if k in FATAL:
            assert f"[{FATAL[k]}]" in result.output

    as_json = run("validate", "--json", *map(str, paths))
    assert as_json.exit_code == code
    issues = json.loads(as_json.stdout)
    assert isinstance(issues, list)
    for item in issues:
        assert ISSUE_KEYS <= item.keys(), item
        assert item["file"] in {str(p) for p in paths}
    fatal_files = {i["file"] for i in issues if i["severity"] == "fatal"}
    assert fatal_files == {str(files[k]) for k in kinds if k in FATAL}


def test_validate_json_items_have_all_fields(files: dict[str, Path]) -> None:
    result = run("validate", "--json", str(files["errors"]), str(files["missing"]))
    issues = json.loads(result.stdout)
    assert len(issues) >= 2
    for item in issues:
        assert ISSUE_KEYS <= item.keys(), item
        assert item["code"] and item["message_th"] and item["message_en"]
        assert item["severity"] in ("error", "warning", "fatal")
    located = [i for i in issues if i["severity"] != "fatal"]
    assert located and all(i["sheet"] and i["cell"] for i in located)


def test_validate_needs_a_file() -> None:
    result = run("validate")
    assert result.exit_code == 2  # click's usage error


def test_validate_bad_today_is_refused() -> None:
    result = run("validate", "--today", "2563-13-45", str(SAMPLES[0]))
    assert result.exit_code == 2 and "[TODAY_INVALID]" in result.output and "--today" in result.output
    # a Buddhist-era date is read like every other date input (issue 12)
    assert run("validate", "--today", "12/12/2563", str(SAMPLES[0])).exit_code in (0, 1)
    assert run("validate", "--today", "2030-01-01", str(SAMPLES[0])).exit_code == 0


def test_validate_bad_criteria(tmp_path: Path) -> None:
    bad = tmp_path / "my-province.toml"
    bad.write_text("x = \n", encoding="utf-8")
    result = run("validate", "--criteria", str(bad), str(SAMPLES[0]))
    assert result.exit_code == 2 and "[CRITERIA_INVALID]" in result.output
    missing = run("validate", "--criteria", str(tmp_path / "none.toml"), str(SAMPLES[0]))
    assert missing.exit_code == 2 and "[FILE_NOT_FOUND]" in missing.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_criteria_that_is_not_a_small_regular_file_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO (opening it used to block for ever), a folder and an oversized file: FILE_UNREADABLE, exit 2."""
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (SMALL_FILE_LIMIT + 10) + b"\n")
    for path in (fifo, big):
        result = run("validate", "--criteria", str(path), str(SAMPLES[0]))
        assert result.exit_code == 2 and "[FILE_UNREADABLE]" in result.output, (path, result.output)
    for load in (lambda p: load_criteria(path=p), remote.TokenBook.load):
        for path in (fifo, tmp_path, big):  # a folder too (the command line's own check stops it before)
            with pytest.raises(KasetError) as exc:
                load(path)
            assert exc.value.code == "FILE_UNREADABLE"


def test_fresh_template_validates_with_required_info_missing(tmp_path: Path) -> None:
    out = tmp_path / "pai.xlsx"
    made = run("template", "--province", "58", "--district", "ปาย", "--year", "2564", "-o", str(out))
    assert made.exit_code == 0 and out.is_file()
    result = run("validate", "--json", str(out))
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    assert {i["code"] for i in issues} == {"REQUIRED_MISSING"}
    assert {i["sheet"] for i in issues} == {LAYOUT.info.sheet}


# ---------------------------------------------------------------------- schema and demo


def test_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    for sheet in LAYOUT.sheet_order:
        assert sheet in result.output
    for col in MEMBERS.columns:
        assert col.key in result.output


def test_schema_json() -> None:
    result = run("schema", "--json")
    assert result.exit_code == 0
    spec = json.loads(result.stdout)
    assert spec == json.loads(json.dumps(LAYOUT.to_dict()))
    assert spec["template_version"] == LAYOUT.version


def test_demo(unchanged: Callable[..., None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unchanged(*SAMPLES)
    monkeypatch.chdir(tmp_path)  # demo writes its provincial workbook into the current folder
    result = run("demo")
    assert list(tmp_path.glob("kaset-demo-*.xlsx")), result.output
    assert result.exit_code == 1, result.output
    for p in SAMPLES:
        assert p.name in result.output


def test_demo_on_a_folder(tmp_path: Path, files: dict[str, Path], unchanged: Callable[..., None]) -> None:
    for p in SAMPLES[:2]:
        shutil.copy2(p, tmp_path / p.name)
    shutil.copy2(files["errors"], tmp_path / "errors.xlsx")
    inputs = sorted(tmp_path.iterdir())
    unchanged(*inputs, tmp_path)
    out = Path(tempfile.mkdtemp(prefix="kaset-demo-out-")) / "demo.xlsx"
    result = run("demo", "--input", str(tmp_path), "--output", str(out))
    assert result.exit_code == 1, result.output
    for p in inputs:
        assert p.name in result.output


def test_demo_on_an_empty_folder(tmp_path: Path) -> None:
    result = run("demo", "--input", str(tmp_path))
    assert result.exit_code == 2
    assert "[FILE_NOT_FOUND]" in result.output


def test_commands_are_click_commands() -> None:
    assert isinstance(cli, click.Group)
    assert {"template", "validate", "schema", "demo"} <= set(COMMANDS)


def test_json_commands_give_json_when_the_input_cannot_be_used(tmp_path: Path) -> None:
    import json

    bad = tmp_path / "my-province.toml"
    bad.write_text("x = \n", encoding="utf-8")
    for args in (["validate", "--json", "--criteria", str(bad), str(SAMPLES[0])],
                 ["consolidate", "--json", "--dry-run", "--criteria", str(bad), str(SAMPLES[0])],
                 ["consolidate", "--json", "--dry-run", str(tmp_path / "none")]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, args
        error = json.loads(result.stdout)["error"]
        assert error["severity"] == "fatal" and error["code"] in ("CRITERIA_INVALID", "CONSOLIDATE_NOTHING_USABLE",
                                                                 "FILE_NOT_FOUND"), error
