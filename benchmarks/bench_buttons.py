"""How fast the buttons are: import of the button module, a first click, and warm clicks.

Run:  python benchmarks/bench_buttons.py   (prints plain figures).  Targets: ``import kaset_xl.xl`` ≤ 0.15 s
above a bare interpreter; a first click (a fresh Python process, as RunPython without "Use UDF Server")
≤ 0.5 s; warm validate + score (the process kept by "Use UDF Server", or ``kaset-xl serve``) ≤ 0.1 s, on a
60-member workbook.  The workbook is the Mueang Mae Hong Son sample (52 members) with 8 more members,
written to a temporary folder; the payload is what xlwings' VBA client posts for it
(tests/xl_engine_support.py), built once.  One click = parse the JSON body, open the book
(``xw.Book(json=…)``), run the button, serialise ``book.json()``: that is what is timed.  The first click
runs in a fresh interpreter and also counts importing xlwings and kaset_xl (what a click imports:
``python -X importtime`` on the same script).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # before xlwings is imported

MEMBERS = 60
RUNS = 15
TODAY = dt.date(2026, 1, 15)


def import_time(module: str, runs: int = 7) -> float:
    """Best wall time of ``import module`` in a fresh interpreter (seconds)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  env=env).stdout) for _ in range(runs)]
    return min(times)


FIRST_CLICK = """
import json, os, sys, time
t0 = time.perf_counter()
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import xlwings as xw
import kaset_xl.xl as x
body = open(sys.argv[1], encoding="utf-8").read()
book = xw.Book(json=json.loads(body))
x.validate(book)
json.dumps(book.json())
print(time.perf_counter() - t0)
"""


def bare_interpreter(runs: int = 7) -> float:
    """Best wall time of a Python process that does nothing (seconds)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - t)
    return min(times)


def process_time(args: list[str], runs: int = 5) -> tuple[float, float, float]:
    """(best, median) wall time of a fresh process running ``args``, and the median it reports itself."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    walls, inner = [], []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True, env=env).stdout
        walls.append(time.perf_counter() - t)
        inner.append(float(out.strip().splitlines()[-1]))
    return min(walls), statistics.median(walls), statistics.median(inner)


def workbook(path: Path) -> Path:
    from kaset_xl.areas import district_area
    from kaset_xl.workbook.builder import build_workbook
    from sample_data import make_citizen_id, sample_data

    data = sample_data("5801")
    members = data.tables["members"]
    groups = {g["name"]: g for g in data.tables["groups"]}
    rng = random.Random(60)
    used = {m["citizen_id"] for m in members}
    for i in range(MEMBERS - len(members)):
        m = dict(members[i % len(members)])
        cid = make_citizen_id(rng)
        while cid in used:
            cid = make_citizen_id(rng)
        used.add(cid)
        m.update(no=len(members) + 1, citizen_id=cid, last_name=m["last_name"] + f"ทอง{i}", role="สมาชิก")
        members.append(m)
        groups[m["group"]]["member_count"] += 1
    build_workbook(path, district_area("5801"), 2564, data=data)
    return path


def main() -> None:
    bare = bare_interpreter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    walls = []
    for _ in range(7):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import kaset_xl.xl"], check=True, env=env)
        walls.append(time.perf_counter() - t)
    print(f"bare interpreter: {bare * 1000:.0f} ms; import kaset_xl.xl: {import_time('kaset_xl.xl') * 1000:.0f} ms"
          f" inside, {(min(walls) - bare) * 1000:.0f} ms above a bare interpreter (target ≤ 150 ms)")
    print(f"  what a click imports besides: xlwings {import_time('xlwings') * 1000:.0f} ms,"
          f" kaset_xl.validate {import_time('kaset_xl.validate') * 1000:.0f} ms,"
          f" kaset_xl.scoring {import_time('kaset_xl.scoring') * 1000:.0f} ms")

    import xlwings as xw

    from kaset_xl import xl
    from kaset_xl.workbook.reader import read_district_workbook
    from xl_engine_support import payload_from_file, remote_engine_problem

    problem = remote_engine_problem()
    if problem:
        print(f"xlwings' remote engine cannot run here: {problem}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = workbook(Path(tmp) / "bench-60.xlsx")
        n = len(read_district_workbook(path).members)
        body = json.dumps(payload_from_file(path), ensure_ascii=False)
        print(f"workbook: {n} members; request body {len(body) / 1e6:.2f} MB")
        (Path(tmp) / "body.json").write_text(body, encoding="utf-8")
        (Path(tmp) / "first.py").write_text(FIRST_CLICK, encoding="utf-8")
        best, median, inner = process_time([str(Path(tmp) / "first.py"), str(Path(tmp) / "body.json")])
    print(f"first click (fresh process: start Python, import, open the book, validate): median {median * 1000:.0f} ms,"
          f" best {best * 1000:.0f} ms, of which after start-up {inner * 1000:.0f} ms (target ≤ 500 ms)")

    def click(button) -> float:  # noqa: ANN001
        t = time.perf_counter()
        book = xw.Book(json=json.loads(body))
        button(book, today=TODAY)
        actions = book.json()["actions"]
        json.dumps(actions)
        elapsed = time.perf_counter() - t
        assert not any(a["func"] == "alert" for a in actions), actions
        return elapsed

    click(xl.validate), click(xl.score)  # warm: imports, criteria, caches
    v = [click(xl.validate) for _ in range(RUNS)]
    s = [click(xl.score) for _ in range(RUNS)]
    both = [a + b for a, b in zip(v, s, strict=True)]
    print(f"validate through the engine: median {statistics.median(v) * 1000:.0f} ms, best {min(v) * 1000:.0f} ms")
    print(f"score through the engine:    median {statistics.median(s) * 1000:.0f} ms, best {min(s) * 1000:.0f} ms")
    print(f"warm validate + score:       median {statistics.median(both) * 1000:.0f} ms, best {min(both) * 1000:.0f} ms"
          " (target ≤ 100 ms)")


if __name__ == "__main__":
    main()
