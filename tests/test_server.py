"""``kaset-xl serve`` driven for real: the service runs as its own process on a free loopback port.

Requests are posted exactly as xlwings' VBA client (``RunRemotePython``) posts them — the body built by
``tests/xl_engine_support.py`` from a real workbook, JSON with non-ASCII escaped as VBA-Web's
``ConvertToJson`` writes it, ``Content-Type``/``Accept: application/json`` and the ``Authorization``
header the server workbook's buttons send — and the returned actions are applied to the file as the
VBA client applies them, then compared with the same button run in this process (the desktop path:
one function, two engines).  Every test is bounded in time; the process is stopped at the end.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaset_xl import remote, xl
from kaset_xl.areas import district_area
from kaset_xl.issues import KasetError, catalogue
from kaset_xl.workbook.builder import build_workbook
from sample_data import sample_data
from xl_engine_support import apply_actions, payload_from_file, remote_engine_problem

TIMEOUT = 60  # seconds for any one request (the service's own limit is 20 s)
DISTRICTS = ("5801", "5802", "5803", "5804", "5805", "5806", "5807",
             "5001", "5002", "5003", "5004", "5005", "5006", "5007", "5008", "5009", "5010", "5011",
             "1001", "1002")
STAMP = re.compile(r"\d{1,2}/\d{2}/25\d\d \d{2}:\d{2}(:\d{2})?")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    def __init__(self, url: str, tokens: dict[str, str], log: Path) -> None:
        self.url = url
        self.tokens = tokens
        self.log = log

    def post(self, button: str, body: bytes, token: str | None, *, headers: dict[str, str] | None = None,
             ) -> tuple[int, str]:
        """POST as xlwings' VBA client does; (status, body text)."""
        request = urllib.request.Request(f"{self.url}/xlwings/{button}", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def post_raw(self, button: str, token: str, length: int | None, pieces: list[bytes]) -> tuple[int, str]:
        """A POST that declares ``length`` (None: chunked) and sends ``pieces`` as long as the server reads."""
        import http.client

        conn = http.client.HTTPConnection(self.url.split("//")[1], timeout=TIMEOUT)
        try:
            conn.putrequest("POST", f"/xlwings/{button}")
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Authorization", f"Bearer {token}")
            if length is None:
                conn.putheader("Transfer-Encoding", "chunked")
            else:
                conn.putheader("Content-Length", str(length))
            conn.endheaders()
            try:
                for piece in pieces:
                    conn.send(b"%x\r\n%s\r\n" % (len(piece), piece) if length is None else piece)
                if length is None:
                    conn.send(b"0\r\n\r\n")
            except OSError:  # the server answered and closed without reading the rest: what we test
                pass
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8")
        finally:
            conn.close()

    def health(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/health", timeout=TIMEOUT) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    problem = remote_engine_problem()
    if problem:  # pragma: no cover - only when the engine cannot start here
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    folder = tmp_path_factory.mktemp("serve")
    tokens_file = folder / "tokens.txt"
    tokens = {d: remote.add_token(tokens_file, d) for d in DISTRICTS}
    port = _free_port()
    log = folder / "serve.log"
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "PYTHONIOENCODING": "utf-8"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kaset_xl", "serve", "--tokens", str(tokens_file),
                                 "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=folder)
    svc = Service(f"http://127.0.0.1:{port}", tokens, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if svc.health()["status"] == "ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"kaset-xl serve did not start:\n{log.read_text(encoding='utf-8', errors='replace')}")
            time.sleep(0.2)
        yield svc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def pai(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A filled Pai (5803) district workbook."""
    path = tmp_path_factory.mktemp("pai") / "5803.xlsx"
    build_workbook(path, district_area("5803"), 2564, data=sample_data("5803"))
    return path


def _body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=True).encode("ascii")  # VBA-Web escapes non-ASCII as \\uXXXX


def _desktop(button: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The same button run in this process on the same values (the desktop path's function)."""
    import xlwings as xw

    book = xw.Book(json=json.loads(json.dumps(payload)))  # the engine changes the dict it is given
    try:
        getattr(xl, button)(book)
        return book.json()["actions"]
    finally:
        book.close()


def _unstamped(actions: list[dict[str, Any]]) -> str:
    return STAMP.sub("<time>", json.dumps(actions, ensure_ascii=False))


def _cells(path: Path) -> dict[tuple[str, str], Any]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): (STAMP.sub("<time>", c.value) if isinstance(c.value, str) else c.value)
            for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}


def _applied(src: Path, actions: list[dict[str, Any]], out: Path) -> Any:
    wb = openpyxl.load_workbook(src, rich_text=True)
    done = apply_actions(wb, actions)
    wb.save(out)
    return done


def _thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


# ----------------------------------------------------------------------------------------------- the buttons

@pytest.mark.parametrize("button", ["validate", "score", "budget", "clear_results"])
def test_a_click_through_the_service_writes_what_the_desktop_button_writes(
        service: Service, pai: Path, tmp_path: Path, button: str) -> None:
    payload = payload_from_file(pai)
    status, text = service.post(button, _body(payload), service.tokens["5803"])
    assert status == 200, text
    actions = json.loads(text)["actions"]
    expected = _desktop(button, payload_from_file(pai))
    assert _unstamped(actions) == _unstamped(expected)
    served = _applied(pai, actions, tmp_path / "served.xlsx")
    _applied(pai, expected, tmp_path / "desktop.xlsx")
    assert not served.alerts
    assert _cells(tmp_path / "served.xlsx") == _cells(tmp_path / "desktop.xlsx")
    if button in ("validate", "score"):
        assert xl.RESULTS_SHEET in openpyxl.load_workbook(tmp_path / "served.xlsx").sheetnames


def test_score_through_the_service_fills_the_result_cells(service: Service, pai: Path, tmp_path: Path) -> None:
    from kaset_xl.scoring import score_file

    status, text = service.post("score", _body(payload_from_file(pai)), service.tokens["5803"])
    assert status == 200
    _applied(pai, json.loads(text)["actions"], tmp_path / "served.xlsx")
    score_file(pai, tmp_path / "cli.xlsx")  # what `kaset-xl score` writes
    served, cli = _cells(tmp_path / "served.xlsx"), _cells(tmp_path / "cli.xlsx")
    summary = {k: v for k, v in cli.items() if k[0] == "สรุปผล"}
    assert summary and all(served.get(k) == v for k, v in summary.items())


def test_twenty_districts_clicking_at_once_are_all_answered_rightly(service: Service, tmp_path: Path) -> None:
    payloads = {}
    for code in DISTRICTS:
        path = tmp_path / f"{code}.xlsx"
        build_workbook(path, district_area(code), 2564)
        payloads[code] = payload_from_file(path)
    expected = {code: _unstamped(_desktop("validate", p)) for code, p in payloads.items()}

    def click(code: str) -> tuple[str, int, str]:
        status, text = service.post("validate", _body(payloads[code]), service.tokens[code])
        return code, status, text

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(DISTRICTS)) as pool:
        answers = list(pool.map(click, DISTRICTS, timeout=240))
    assert len(answers) == 20
    for code, status, text in answers:
        assert status == 200, (code, text)
        assert _unstamped(json.loads(text)["actions"]) == expected[code], code
    assert service.health()["busy"] == 0


def test_certificate_is_refused_with_a_thai_message_box(service: Service, pai: Path) -> None:
    status, text = service.post("certificate", _body(payload_from_file(pai)), service.tokens["5803"])
    assert status == 200
    actions = json.loads(text)["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][0] == KasetError("SERVER_NO_CERTIFICATE").message_th


def test_a_workbook_that_is_not_a_district_workbook_gets_a_thai_message_box(service: Service, pai: Path) -> None:
    payload = payload_from_file(pai)
    for sheet in payload["sheets"]:  # the identity sheet says 5803, but its template id is wrong
        if sheet["name"] == "_kaset":
            sheet["values"] = [["template_id", "something-else"] if r and r[0] == "template_id" else r
                               for r in sheet["values"]]
    status, text = service.post("validate", _body(payload), service.tokens["5803"])
    assert status == 200
    actions = json.loads(text)["actions"]
    alerts = [a for a in actions if a["func"] == "alert"]
    assert alerts and _thai(alerts[0]["args"][0])
    assert "Traceback" not in text


# ----------------------------------------------------------------------------------------------- refusals

def _refused(status: int, text: str, want_status: int, code: str) -> None:
    assert status == want_status, text
    assert f"[{code}]" in text and _thai(text.split("\n", 1)[0])
    assert "Traceback" not in text and "File \"" not in text


def test_missing_or_wrong_token_is_401_with_a_thai_message(service: Service, pai: Path) -> None:
    body = _body(payload_from_file(pai))
    _refused(*service.post("validate", body, None), 401, "SERVER_TOKEN_MISSING")
    _refused(*service.post("validate", body, "x" * 43), 401, "SERVER_TOKEN_WRONG")
    _refused(*service.post("validate", body, service.tokens["5803"] + "x"), 401, "SERVER_TOKEN_WRONG")
    status, text = service.post("validate", body, None, headers={"Authorization": service.tokens["5803"][:-1]})
    _refused(status, text, 401, "SERVER_TOKEN_WRONG")


def test_another_districts_token_is_refused(service: Service, pai: Path) -> None:
    status, text = service.post("validate", _body(payload_from_file(pai)), service.tokens["5801"])
    _refused(status, text, 403, "SERVER_OTHER_DISTRICT")
    assert "5803" in text and "5801" in text


def test_oversized_garbage_and_hostile_bodies_are_4xx_and_the_service_keeps_answering(
        service: Service, pai: Path) -> None:
    token = service.tokens["5803"]
    started = time.monotonic()  # a declared size over the cap: refused before a byte of the body is read
    _refused(*service.post_raw("validate", token, remote.MAX_BODY_BYTES + 1, []), 413, "SERVER_BODY_TOO_LARGE")
    assert time.monotonic() - started < 10
    piece = b" " * 65536  # no size declared: read by pieces, refused once past the cap
    _refused(*service.post_raw("validate", token, None, [piece] * (remote.MAX_BODY_BYTES // 65536 + 2)), 413,
             "SERVER_BODY_TOO_LARGE")
    for garbage in (b"", b"garbage", b"\xff\xfe\x00", b"[1, 2", b"[" * 100_000, b'{"book": 1}', b"null"):
        status, text = service.post("validate", garbage, token)
        assert 400 <= status < 500 and "Traceback" not in text, (garbage[:20], status, text)
    payload = payload_from_file(pai)
    payload["sheets"][0]["values"] = [[None]] * 100_001  # past the file path's max_rows
    _refused(*service.post("validate", _body(payload), token), 422, "SHEET_TOO_MANY_ROWS")
    payload = payload_from_file(pai)
    payload["version"] = "0.30.0"
    _refused(*service.post("validate", _body(payload), token), 422, "SERVER_XLWINGS_VERSION")
    _refused(*service.post("delete_everything", b"{}", token), 404, "SERVER_UNKNOWN_BUTTON")
    payload = payload_from_file(pai)
    payload["sheets"][0]["values"] = [["a"], "not a row"]
    _refused(*service.post("validate", _body(payload), token), 400, "SERVER_BAD_REQUEST")
    assert service.health()["status"] == "ok"
    status, _ = service.post("validate", _body(payload_from_file(pai)), token)
    assert status == 200


def test_the_log_holds_one_line_per_click_and_no_workbook_content(service: Service, pai: Path) -> None:
    service.post("validate", _body(payload_from_file(pai)), service.tokens["5803"])
    time.sleep(0.3)
    log = service.log.read_text(encoding="utf-8", errors="replace")
    assert re.search(r"district=5803 button=validate status=200 ms=\d+ sheets=\d+ cells=\d+ actions=\d+", log)
    members = sample_data("5803").tables["members"]
    for m in members[:10]:
        assert m["citizen_id"] not in log and m["first_name"] not in log
    assert "Traceback" not in log


# ----------------------------------------------------------------------------------------------- library

def test_tokens_file_keeps_digests_only_and_a_new_token_revokes_the_old(tmp_path: Path) -> None:
    path = tmp_path / "tokens.txt"
    first = remote.add_token(path, "5803")
    second = remote.add_token(path, "5803")
    other = remote.add_token(path, "5801")
    text = path.read_text(encoding="utf-8")
    assert first not in text and second not in text and other not in text
    book = remote.TokenBook.load(path)
    assert book.district_of(second) == "5803" and book.district_of(other) == "5801"
    assert book.district_of(first) is None and book.district_of("") is None
    assert (path.stat().st_mode & 0o777) == 0o600
    path.write_text("5803 not-a-digest\n", encoding="utf-8")
    with pytest.raises(KasetError) as exc:
        remote.TokenBook.load(path)
    assert exc.value.code == "TOKENS_FILE_BAD"
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(KasetError) as exc:
        remote.TokenBook.load(path)
    assert exc.value.code == "TOKENS_FILE_EMPTY"
    with pytest.raises(KasetError) as exc:
        remote.add_token(tmp_path / "t2.txt", "9999")
    assert exc.value.code == "UNKNOWN_DISTRICT"


def test_an_unexpected_failure_on_the_server_is_a_thai_message_box_without_a_traceback(
        pai: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    from kaset_xl import server

    def broken(book: Any, today: Any) -> None:
        raise ZeroDivisionError("a value from the workbook: 1234567890123")

    monkeypatch.setattr(xl, "on_failure", server._on_failure)
    monkeypatch.setattr(xl, "_validate", broken)
    result = remote.run_button("validate", payload_from_file(pai))
    alerts = [a for a in result["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1
    text = alerts[0]["args"][0]
    assert "ZeroDivisionError" in text and _thai(text) and "1234567890123" not in text and "Traceback" not in text


def test_every_server_message_has_thai_and_english() -> None:
    for code in [c for c in catalogue() if c.startswith(("SERVER_", "TOKENS_"))]:
        msg = catalogue()[code]
        assert _thai(msg.th) and msg.en and not _thai(msg.en), code


# ----------------------------------------------------------------------------------------------- the workbooks

def _olevba(path: Path) -> dict[str, str]:
    olevba = pytest.importorskip("oletools.olevba")
    parser = olevba.VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {Path(p).name: code for _f, p, _v, code in parser.extract_macros()}
    finally:
        parser.close()


def test_server_workbook_vba_read_back_by_olevba_calls_run_remote_python_at_the_url(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kaset_xl.cli import cli
    from kaset_xl.workbook.macros import CLIENT_MODULES, xlwings_addin_source, xlwings_source

    out = tmp_path / "pai-server.xlsm"
    url = "https://kaset.example.go.th/mhs"
    result = CliRunner().invoke(cli, ["template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(out),
                                      "--server", url])
    assert result.exit_code == 0, result.output
    found = _olevba(out)
    buttons = found["KasetButtons"]
    assert f'Private Const KASET_URL As String = "{url}/xlwings/"' in buttons
    assert 'RunRemotePython KASET_URL & func, auth:="Bearer " & token' in buttons
    assert 'Private Const KASET_TOKEN As String = ""' in buttons and "InputBox(" in buttons
    assert "ThisWorkbook.Names.Add Name:=KASET_TOKEN_NAME" in buttons and "Visible:=False" in buttons
    for macro, function in {"KasetValidate": "validate", "KasetScore": "score", "KasetBudget": "budget",
                            "KasetClear": "clear_results", "KasetRegister": "register"}.items():
        assert f'Public Sub {macro}()\r\n    KasetCall "{function}"\r\nEnd Sub' in buttons
    assert buttons.isascii() and "RunPython " not in buttons
    for name, _kind in (*CLIENT_MODULES, ("Dictionary", "class")):  # from the installed, pinned xlwings
        assert found[name].replace("\r\n", "\n") == xlwings_addin_source(name).replace("\r\n", "\n"), name
    assert "Function RunRemotePython(" in found["Remote"]
    assert found["xlwings"].replace("\r\n", "\n") == xlwings_source().replace("\r\n", "\n")
    wb = openpyxl.load_workbook(out)
    assert "xlwings.conf" not in wb.sheetnames  # no Python on the PC: no UDF server setting

    embedded = tmp_path / "pai-token.xlsm"
    token = remote.new_token()
    result = CliRunner().invoke(cli, ["template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(embedded),
                                      "--server", url + "/", "--token", token])
    assert result.exit_code == 0, result.output
    assert f'Private Const KASET_TOKEN As String = "{token}"' in _olevba(embedded)["KasetButtons"]


@pytest.mark.parametrize("args, reason", [
    (["--server", "ftp://x"], "http"), (["--server", 'https://x/"&Shell("calc")'], "http"),
    (["--server", "https://x", "--token", 'a" & Shell("x") & "aaaaaaaaaa'], "token"),
    (["--token", "a" * 40], "--server"),
])
def test_template_refuses_a_server_or_token_that_cannot_go_into_vba(tmp_path: Path, args: list[str],
                                                                     reason: str) -> None:
    from click.testing import CliRunner

    from kaset_xl.cli import cli

    out = tmp_path / "x.xlsm"
    result = CliRunner().invoke(cli, ["template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(out), *args])
    assert result.exit_code == 2 and "SERVER_BINDING_BAD" in result.output and reason in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_desktop_workbook_keeps_one_python_process_between_clicks(tmp_path: Path) -> None:
    out = tmp_path / "desktop.xlsm"
    build_workbook(out, district_area("5803"), 2564, macros=True)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "xlwings.conf" and wb["xlwings.conf"].sheet_state == "hidden"
    assert [[c.value for c in row] for row in wb["xlwings.conf"].iter_rows()] == [["USE UDF SERVER", True]]
    found = _olevba(out)
    assert 'OPTIMIZED_CONNECTION = GetConfig("USE UDF SERVER", False)' in found["xlwings"]  # what reads it
    assert "Dictionary" in found


def test_the_values_path_applies_the_file_paths_sheet_limits_on_both_engines(pai: Path) -> None:
    """The desktop button (any engine) refuses a sheet past the limits before reading its values."""
    import xlwings as xw

    payload = payload_from_file(pai)
    payload["sheets"][1]["values"] = [[None]] * 5 + [[None] * 300]  # past max_columns (256)
    book = xw.Book(json=payload)
    try:
        xl.validate(book)
        alerts = [a for a in book.json()["actions"] if a["func"] == "alert"]
    finally:
        book.close()
    assert len(alerts) == 1
    want = KasetError("SHEET_TOO_MANY_COLUMNS", file=pai.name, sheet=payload["sheets"][1]["name"], columns="300",
                      limit="256")
    assert alerts[0]["args"][0] == want.message_th
    with pytest.raises(remote.RemoteRefusal) as exc:
        remote.check_payload(payload)
    assert (exc.value.status, exc.value.code) == (422, "SHEET_TOO_MANY_COLUMNS")


def test_time_limit_and_bounded_queue_answer_in_thai(pai: Path, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    """The app in this process (uvicorn in a thread, loopback), a button that takes 2 s: 504 after the
    0.5 s limit, 503 while its place is still held (1 worker, no queue), and free again once it ends."""
    import threading

    uvicorn = pytest.importorskip("uvicorn")
    from kaset_xl import server

    def slow(button: str, payload: dict[str, Any], *, log: Any = None) -> dict[str, Any]:
        time.sleep(2)
        return {"actions": []}

    monkeypatch.setattr(remote, "run_button", slow)
    tokens_file = tmp_path / "tokens.txt"
    token = remote.add_token(tokens_file, "5803")
    monkeypatch.setattr(xl, "on_failure", None)  # create_app sets it: put back afterwards
    app = server.create_app(remote.TokenBook.load(tokens_file), timeout=0.5, workers=1, queue=0)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    svc = Service(f"http://127.0.0.1:{port}", {"5803": token}, tmp_path / "none.log")
    try:
        deadline = time.monotonic() + 30
        while not web.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        body = _body(payload_from_file(pai))
        started = time.monotonic()
        _refused(*svc.post("validate", body, token), 504, "SERVER_TIMEOUT")
        assert time.monotonic() - started < 1.8
        assert svc.health()["busy"] == 1
        _refused(*svc.post("validate", body, token), 503, "SERVER_BUSY")
        time.sleep(2)
        assert svc.health()["busy"] == 0
        status, text = svc.post("validate", body, token)
        assert status == 504  # answered again (the slow button still exceeds the limit)
    finally:
        web.should_exit = True
        thread.join(timeout=15)


def test_district_tambons_read_from_geothai_data_agree_with_geothai() -> None:
    from dataclasses import astuple

    import geothai

    from kaset_xl.areas import _tambons, district_area

    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            assert _tambons(district.code) == tuple(astuple(t) for t in geothai.subdistricts(district.code)), \
                district.code
    # the district and province records district_area reads from geothai's data files agree with its API
    for d in geothai.districts("58") + geothai.districts("10"):
        area = district_area(d.code)
        assert tuple(area.district) == astuple(d) and tuple(area.province) == astuple(geothai.province(d.code[:2]))


def test_serve_refuses_to_start_without_tokens_or_engine_in_thai(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    missing = subprocess.run([sys.executable, "-m", "kaset_xl", "serve", "--tokens", str(tmp_path / "none.txt"),
                              "--port", str(_free_port())], capture_output=True, text=True, timeout=120, env=env)
    assert missing.returncode == 2 and "FILE_NOT_FOUND" in missing.stderr and "Traceback" not in missing.stderr
    tokens_file = tmp_path / "tokens.txt"
    remote.add_token(tokens_file, "5803")
    bogus = subprocess.run([sys.executable, "-m", "kaset_xl", "serve", "--tokens", str(tokens_file),
                            "--port", str(_free_port())], capture_output=True, text=True, timeout=120,
                           env={**env, "XLWINGS_LICENSE_KEY": "not-a-key"})
    assert bogus.returncode == 2 and "SERVER_ENGINE_UNAVAILABLE" in bogus.stderr
    assert "Traceback" not in bogus.stderr + bogus.stdout
