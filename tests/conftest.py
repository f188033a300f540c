"""Shared fixtures: the Pai (5803) FY2564 template, and LibreOffice headless as an independent reader.

LibreOffice tests skip when ``soffice`` is missing, unless ``KASET_REQUIRE_LIBREOFFICE=1`` (CI sets it):
then a missing LibreOffice is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from support import require_tool

SOFFICE_TIMEOUT = 180  # seconds; the first run also creates the private profile


@dataclass(frozen=True)
class Soffice:
    """LibreOffice headless with one private profile per test session."""

    binary: str
    profile: Path

    def run(self, *args: str, timeout: float = SOFFICE_TIMEOUT, cwd: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
        cmd = [self.binary, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--invisible",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck", *args]
        # A session of its own, so that a hung soffice (and only it) can be killed on timeout.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            pytest.fail(f"soffice timed out after {timeout} s: {' '.join(cmd)}\n{out}\n{err}", pytrace=False)
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@pytest.fixture(scope="session")
def soffice(tmp_path_factory: pytest.TempPathFactory) -> Soffice:
    binary = require_tool("soffice", "libreoffice")
    profile = tmp_path_factory.mktemp("lo") / "lo-profile"
    return Soffice(binary=binary, profile=profile)


@pytest.fixture(scope="session")
def lo_convert(soffice: Soffice) -> Callable[[Path, str, Path], Path]:
    """``lo_convert(src, fmt, outdir)``: convert with ``soffice --convert-to fmt`` and return the output path.

    ``fmt`` is an extension, optionally with a filter (``"xlsx:Calc MS Excel 2007 XML"``).  ``outdir``
    must not be the folder of ``src`` (a same-format conversion would overwrite the source).
    """

    def convert(src: Path, fmt: str, outdir: Path) -> Path:
        src, outdir = Path(src).resolve(), Path(outdir).resolve()
        assert outdir != src.parent, "convert into another folder than the source's"
        outdir.mkdir(parents=True, exist_ok=True)
        ext = fmt.split(":", 1)[0]
        out = outdir / f"{src.stem}.{ext}"
        result = soffice.run("--convert-to", fmt, "--outdir", str(outdir), str(src))
        assert result.returncode == 0, f"soffice exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        assert out.is_file() and out.stat().st_size > 0, (
            f"soffice wrote no {out.name}\n{result.stdout}\n{result.stderr}")
        return out

    return convert


@pytest.fixture(scope="session")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The empty district workbook of Pai (5803), Mae Hong Son, FY2564, built once via the library."""
    from kaset_xl.areas import district_area
    from kaset_xl.workbook.builder import build_workbook

    path = tmp_path_factory.mktemp("template") / "5803-Pai-2564-template.xlsx"
    build_workbook(path, district_area("5803"), 2564)
    return path


@pytest.fixture(scope="session")
def olefile() -> ModuleType:
    return pytest.importorskip("olefile", reason="olefile is a test dependency (pip install olefile)")


@pytest.fixture(scope="session")
def olevba() -> ModuleType:
    return pytest.importorskip("oletools.olevba", reason="oletools is a test dependency (pip install oletools)")


@pytest.fixture()
def samples(tmp_path: Path) -> Path:
    """A copy of the shipped sample workbooks in a folder of their own (tests may add or change files)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted((Path(__file__).resolve().parent.parent / "workbooks").glob("*.xlsx")):
        shutil.copy2(p, folder / p.name)
    return folder


# ---------------------------------------------------------------------------------------------- two tiers
# Tests that take a third of a second or more are marked ``slow``: ``pytest -m "not slow"`` is the everyday tier,
# CI runs everything.  Marked here from one list (tests/slow_tests.txt, made by tests/update_slow_tests.py
# from a timed run), plus every test that starts LibreOffice, so that test files need no marks of their own.
SLOW_LIST = Path(__file__).with_name("slow_tests.txt")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    listed = {line.strip() for line in SLOW_LIST.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    for item in items:
        uses_libreoffice = item.get_closest_marker("libreoffice") is not None or bool(
            {"soffice", "lo_convert"} & set(getattr(item, "fixturenames", ())))
        if item.nodeid in listed or uses_libreoffice:
            item.add_marker(pytest.mark.slow)
