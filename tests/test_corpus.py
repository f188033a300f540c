"""The corpus of malformed and hostile inputs (issue 7): every case of ``tests/corpus/cases.toml``
(validate, score into a copy, consolidate).

The files are made once per session by ``tests/corpus/make_corpus.py`` in a temporary folder.  Each
case runs the real command (click, exceptions not caught) and checks: the exit code and the issue
(code, sheet, cell) of the manifest; no traceback; no input changed (sha256 of every corpus file before
and after); for consolidate: the three good districts still summarised, no formula and no VBA project in
the provincial workbook, and district text that looks like a formula written as text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from kaset_xl.cli import cli

CORPUS = Path(__file__).parent / "corpus"
CASES: list[dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
GOOD_DISTRICTS = ("5801", "5804", "5807")
TODAY = "2021-09-30"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_corpus = _generator()


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def hashes(folder: Path) -> dict[Path, str]:
    return {p: sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    make_corpus.make_all(out / "files")
    good = out / "files" / "ดี"
    good.mkdir()
    for p in make_corpus.GOOD:
        shutil.copy2(p, good / p.name)
    return out / "files"


def _id(case: dict[str, Any]) -> str:
    where = f"-{case['sheet']}!{case['cell']}" if "cell" in case else ""
    return f"{case['command']}:{case['file']}{where}"


def test_manifest_and_generator_agree() -> None:
    named = {c["file"] for c in CASES} | {e for c in CASES for e in c.get("extra", [])}
    assert named == set(make_corpus.MAKERS)
    assert len(make_corpus.MAKERS) >= 40
    assert {c["command"] for c in CASES} == {"validate", "score", "consolidate"}
    for c in CASES:
        assert c["exit"] in (0, 1, 2)
        assert ("sheet" in c) == ("cell" in c)
        assert ("text" in c) == ("text_sheet" in c)
        # every failing case says why; a consolidation exits 1 anyway: 3 of the 7 districts are missing
        assert c["exit"] == 0 or "code" in c or (c["command"], c["exit"]) == ("consolidate", 1), c


def test_the_base_workbook_is_clean() -> None:
    """The corpus changes one thing at a time in a workbook with no issue at all."""
    result = CliRunner().invoke(cli, ["validate", str(make_corpus.BASE), "--today", TODAY, "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def _no_traceback(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_corpus_case(case: dict[str, Any], corpus: Path, tmp_path: Path) -> None:
    before = hashes(corpus)
    target = corpus / case["file"]
    if case["command"] == "validate":
        result = CliRunner().invoke(cli, ["validate", str(target), "--today", TODAY, "--json"],
                                    catch_exceptions=False)
        _no_traceback(result)
        assert result.exit_code == case["exit"], result.output
        issues = json.loads(result.stdout)
        _expect(case, [(i["code"], i["sheet"], i["cell"]) for i in issues])
    elif case["command"] == "score":
        out = tmp_path / ("scored" + Path(case["file"]).suffix)  # the same kind of file as the input
        result = CliRunner().invoke(cli, ["score", str(target), "-o", str(out), "--today", TODAY, "--json"],
                                    catch_exceptions=False)
        _no_traceback(result)
        assert result.exit_code == case["exit"], result.output
        if case["exit"] == 2:
            assert f"[{case['code']}]" in result.output and not out.exists()
        else:
            issues = json.loads(result.stdout)["issues"]
            _expect(case, [(i["code"], i["sheet"], i["cell"]) for i in issues])
            _no_macro_unless_kept(target, out)
            if case.get("text"):
                _text_stays_text(case, openpyxl.load_workbook(out))
    else:
        out = tmp_path / "province.xlsx"
        inputs = [target, *(corpus / e for e in case.get("extra", [])),
                  *(corpus / "ดี" / p.name for p in make_corpus.GOOD)]
        result = CliRunner().invoke(cli, ["consolidate", *map(str, inputs), "-o", str(out), "--jobs", "1"],
                                    catch_exceptions=False)
        _no_traceback(result)
        assert result.exit_code == case["exit"], result.output
        _check_output(case, out, target)
    assert hashes(corpus) == before, "an input file was changed"


def _no_macro_unless_kept(src: Path, out: Path) -> None:
    """score keeps a district's own VBA project in its own .xlsm (it is the district's file) and adds none."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        had = any("vbaProject" in n for n in a.namelist())
        has = any("vbaProject" in n for n in b.namelist())
    assert has == had


def _expect(case: dict[str, Any], found: list[tuple[str, str | None, str | None]]) -> None:
    if "code" not in case:
        assert not [f for f in found if f[0] != "PHONE_FORMAT"] or case["exit"] != 0, found
        return
    if "cell" in case:
        assert (case["code"], case["sheet"], case["cell"]) in found, found
    else:
        assert case["code"] in {f[0] for f in found}, found


def _check_output(case: dict[str, Any], out: Path, target: Path) -> None:
    assert out.is_file()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".~kaset-")]
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
    assert not [n for n in names if "vba" in n.lower()] and "macroEnabled" not in types
    wb = openpyxl.load_workbook(out)
    formulas = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    too_long = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and len(c.value) > 32_767]
    assert too_long == []  # Excel's limit per cell: longer district text is cut, never a broken file
    status = _table(wb["ความครบถ้วน"], "รหัสอำเภอ")
    received = {r["รหัสอำเภอ"] for r in status if r["รหัสสถานะ"] == "received"}
    assert set(GOOD_DISTRICTS) <= received  # the good districts are summarised whatever the bad file is
    ksa1 = {r["รหัสอำเภอ"]: r for r in _table(wb["กสอ.1"], "รหัสอำเภอ")}
    assert all(ksa1[d]["กลุ่มในทะเบียน"] == 3 for d in GOOD_DISTRICTS)
    issues = [r for r in _table(wb["ปัญหา"], "รหัสอำเภอ") if r["ไฟล์ต้นทาง"] == target.name]
    found = [(r["รหัสปัญหา"], r["ชีต"], r["เซลล์"]) for r in issues]
    _expect(case, found)
    if case.get("text"):
        _text_stays_text(case, wb)


def _text_stays_text(case: dict[str, Any], wb: Any) -> None:
    cells = {c.value: c.data_type for row in wb[case["text_sheet"]].iter_rows() for c in row
             if isinstance(c.value, str)}
    for text in case["text"]:
        hits = [v for v in cells if v == text or v.startswith(text)]
        assert hits, text
        assert all(cells[v] == "s" for v in hits)


def _table(ws: Any, first_header: str) -> list[dict[str, Any]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for i, r in enumerate(rows):
        head = [str(h).replace("\n", "") for h in r]  # a header's explicit line breaks left out
        if head and head[0] == first_header:
            out = []
            for data in rows[i + 1:]:
                if not any(v not in (None, "") for v in data):
                    break
                out.append({h: ("" if v is None else v) for h, v in zip(head, data, strict=False)})
            return out
    raise AssertionError(f"no block {first_header!r} in {ws.title}")


@pytest.mark.parametrize("name", ["ค่า/date-beyond-9999.xlsx", "ไฟล์เสีย/garbage-in-a-sheet.xlsx",
                                  "อันตราย/entity-bomb.xlsx"])
def test_a_real_process_prints_no_traceback(name: str, corpus: Path) -> None:
    """The same through a real process (what an officer runs): two lines with the code, exit 2.  For the
    date beyond 9999, python-calamine's Rust panic also prints one line of its own on stderr before the
    reader turns it into FILE_CORRUPT."""
    import subprocess
    import sys

    case = next(c for c in CASES if c["file"] == name and c["command"] == "validate")
    before = hashes(corpus)
    proc = subprocess.run([sys.executable, "-m", "kaset_xl", "validate", str(corpus / name)],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == case["exit"] == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"[{case['code']}]" in proc.stdout
    assert hashes(corpus) == before


@pytest.mark.parametrize("quick", [True, False], ids=["inflated-directly", "through-zipfile"])
def test_unsafe_xml_is_refused_by_both_prolog_paths(quick: bool, corpus: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard inflates stored and deflated members straight from the file's bytes and leaves any
    other member to zipfile: both ways must refuse every XML_UNSAFE case of the corpus."""
    from kaset_xl.issues import KasetError
    from kaset_xl.workbook import guard

    if not quick:
        monkeypatch.setattr(guard.Guard, "_data_start", lambda self, info: None)
    cases = [c for c in CASES if c.get("code") == "XML_UNSAFE"]
    assert len(cases) >= 5
    for case in cases:
        path = corpus / case["file"]
        with pytest.raises(KasetError) as caught:
            guard.open_guard(path, str(path)).close()
        assert caught.value.code == "XML_UNSAFE", (case["file"], str(caught.value))
    good = sorted((corpus / "ดี").glob("*.xlsx"))
    assert len(good) == 3
    for p in good:
        guard.open_guard(p, str(p)).close()  # and the good files pass
