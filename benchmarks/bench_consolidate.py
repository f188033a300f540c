"""How fast the provincial consolidation is at national scale (issue 5, item 5).

Run:  python benchmarks/bench_consolidate.py [--districts 928] [--folder DIR] [--keep] [--jobs N]

1. Generation (timed separately, not part of the figures): one filled district workbook per district
   of the country (geothai: 928 districts of 77 provinces), each built with ``build_workbook`` from
   ``sample_data(code)`` for that district's own code — its own tambons, 3 groups, ~50 members and
   the FY2564 programme of one selected group.  ``sample_data`` only fills the programme for the four
   Mae Hong Son sample districts (``PROGRAMME_PLAN``); for the others this script lends them one of
   those four plans (in turn), and tries the next seed when a district's random registry has no
   group that can be selected.  Existing files in ``--folder`` are reused.
2. Measured, each in a fresh process (so that each peak memory is its own):
   (a) the consolidation through the library entry point, ``consolidate()`` + ``write_provincial_workbook()``:
       one run per province over its districts (77 runs at full scale, summed), the biggest province
       alone, and the read/check/score stage (``summarise_all``) over every file in one pool;
       plus the biggest province through the CLI (``kaset-xl consolidate``, a fresh interpreter);
   (b) the floor: plain python-calamine, ``CalamineWorkbook.from_path(p)`` + ``to_python()`` of every
       sheet, in the same number of worker processes; and the same from the file's bytes read first
       (``from_filelike(BytesIO(...))``, as kaset_xl reads them): the faster of the two is the floor;
   (c) openpyxl ``read_only`` of every sheet (``iter_rows(values_only=True)``) on a subset of files,
       extrapolated to the whole set (openpyxl's fastest mode);
   (d) openpyxl's default mode, ``load_workbook(path, data_only=True)``, as most hand-written
       consolidation scripts read workbooks, on a third of that subset, extrapolated.
   Peak memory is ``ru_maxrss`` of the measuring process (RUSAGE_SELF) and of its largest worker
   (RUSAGE_CHILDREN); "parent + jobs × worker" bounds what was resident at once.

Targets (issue 5): consolidation ≤ 1.5× the floor, ≥ 10× faster than openpyxl, ≤ 1 GB peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # tests/sample_data.py: the sample generator

YEAR = 2564
OPENPYXL_SUBSET = 60
SEEDS = 20  # seeds tried per district before giving up on its programme


# ====================================================================== generation
def _all_districts() -> list[str]:
    import geothai

    return [d.code for p in geothai.provinces() for d in geothai.districts(p.code)]


def _build_one(args: tuple[str, str, int]) -> tuple[str, str, int, float]:
    """Build the workbook of one district → (code, path, seed used, seconds)."""
    code, folder, plan_i = args
    import sample_data as samples
    from kaset_xl.areas import district_area
    from kaset_xl.workbook.builder import build_workbook

    path = Path(folder) / samples.sample_filename(code, YEAR)
    if path.exists() and path.stat().st_size > 0:
        return code, str(path), -1, 0.0
    t = time.perf_counter()
    plans = list(dict.fromkeys(samples.PROGRAMME_PLAN[c] for c in samples.SAMPLE_DISTRICTS))
    # Lend this district one of the sample plans (benchmark-only; the library is not changed on disk).
    samples.PROGRAMME_PLAN.setdefault(code, plans[plan_i % len(plans)])
    data = None
    for k in range(SEEDS):
        try:
            data = samples.sample_data(code, seed=YEAR + k)
            break
        except (IndexError, ValueError):  # no selectable group with this seed
            continue
    if data is None:
        raise RuntimeError(f"no programme data for district {code}")
    tmp = path.with_suffix(".tmp.xlsx")
    build_workbook(tmp, district_area(code), YEAR, data=data)
    os.replace(tmp, path)
    return code, str(path), YEAR + k, time.perf_counter() - t


def generate(codes: list[str], folder: Path, jobs: int) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    out: dict[str, str] = {}
    built = reused = other_seed = 0
    work = [(c, str(folder), i) for i, c in enumerate(codes)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for n, (code, path, seed, _s) in enumerate(pool.map(_build_one, work, chunksize=4), start=1):
            out[code] = path
            if seed < 0:
                reused += 1
            else:
                built += 1
                other_seed += seed != YEAR
            if n % 100 == 0 or n == len(work):
                print(f"  generated {n}/{len(work)} ({time.perf_counter() - t:.0f} s)", file=sys.stderr, flush=True)
    size = sum(Path(p).stat().st_size for p in out.values())
    print(f"generation: {built} built, {reused} reused ({other_seed} needed another seed), "
          f"{size / 1e6:.1f} MB in {folder}, {time.perf_counter() - t:.1f} s with {jobs} processes "
          f"(not part of the figures)")
    return out


# ====================================================================== measured phases (fresh process each)
def _calamine_read(path: str, from_bytes: bool = False) -> int:
    import io

    from python_calamine import CalamineWorkbook

    if from_bytes:
        with open(path, "rb") as f:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(f.read()))
    else:
        wb = CalamineWorkbook.from_path(path)
    cells = 0
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python()
        cells += sum(len(r) for r in rows)
    return cells


def _calamine_read_bytes(path: str) -> int:
    return _calamine_read(path, from_bytes=True)


def _openpyxl_read(path: str, read_only: bool = True) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=read_only, data_only=True)
    cells = 0
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
    finally:
        wb.close()
    return cells


def _openpyxl_full_read(path: str) -> int:
    return _openpyxl_read(path, read_only=False)


def _pool_map(fn, paths: list[str], jobs: int) -> list:
    # The same chunking as kaset_xl.consolidate.core.summarise_all.
    if jobs <= 1:
        return [fn(p) for p in paths]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(fn, paths, chunksize=max(1, len(paths) // (jobs * 8))))


def phase(name: str, spec: dict) -> dict:
    paths: list[str] = spec["paths"]
    jobs: int = spec["jobs"]
    out: dict = {}
    if name == "consolidate":  # one run per province, summed; then the biggest province alone
        from kaset_xl.consolidate import consolidate, write_provincial_workbook

        outdir = Path(spec["outdir"])
        by_province: dict[str, list[str]] = spec["by_province"]
        read_s = write_s = 0.0
        received = runs = 0
        t0 = time.perf_counter()
        for prov, files in by_province.items():
            t = time.perf_counter()
            result = consolidate(files, jobs=jobs)
            t1 = time.perf_counter()
            write_provincial_workbook(result, outdir / f"province-{prov}-{YEAR}.xlsx")
            t2 = time.perf_counter()
            read_s += t1 - t
            write_s += t2 - t1
            runs += 1
            received += result.counts()["received"]
            assert result.province_code == prov and not result.left_out, (prov, result.left_out)
        out.update(seconds=time.perf_counter() - t0, read_s=read_s, write_s=write_s, runs=runs, received=received)
        big = spec["biggest"]
        t = time.perf_counter()
        result = consolidate(by_province[big], jobs=jobs)
        t1 = time.perf_counter()
        write_provincial_workbook(result, outdir / f"province-{big}-{YEAR}-again.xlsx")
        out.update(big_seconds=time.perf_counter() - t, big_read_s=t1 - t, big_files=len(by_province[big]))
    elif name == "summarise_all":  # the read/check/score stage over every file in one pool
        from kaset_xl.consolidate.core import summarise_all

        t = time.perf_counter()
        files = summarise_all([Path(p) for p in paths], jobs)
        out.update(seconds=time.perf_counter() - t,
                   errors=sum(f.errors for f in files), warnings=sum(f.warnings for f in files),
                   fatal=sum(f.fatal is not None for f in files), members=sum(f.members for f in files))
    elif name in ("floor", "floor_bytes"):
        t = time.perf_counter()
        cells = _pool_map(_calamine_read if name == "floor" else _calamine_read_bytes, paths, jobs)
        out.update(seconds=time.perf_counter() - t, cells=sum(cells))
    elif name == "openpyxl":
        t = time.perf_counter()
        cells = _pool_map(_openpyxl_read, paths, jobs)
        out.update(seconds=time.perf_counter() - t, cells=sum(cells))
    elif name == "openpyxl_default":  # what most hand-written scripts do: load_workbook(path, data_only=True)
        t = time.perf_counter()
        cells = _pool_map(_openpyxl_full_read, paths, jobs)
        out.update(seconds=time.perf_counter() - t, cells=sum(cells))
    out["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def run_phase(name: str, spec: dict, workdir: Path) -> dict:
    spec_file = workdir / f"spec-{name}.json"
    spec_file.write_text(json.dumps(spec))
    proc = subprocess.run([sys.executable, __file__, "--phase", name, "--spec", str(spec_file)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_cli(files: list[str], out: Path, jobs: int) -> tuple[float, int, float]:
    """The biggest province through ``kaset-xl consolidate`` (fresh interpreter, imports included)."""
    code = ("import resource, runpy, sys, time; t = time.perf_counter(); sys.argv = ['kaset-xl'] + sys.argv[1:]\n"
            "try:\n    runpy.run_module('kaset_xl', run_name='__main__')\n"
            "except SystemExit as e:\n    rc = e.code or 0\nelse:\n    rc = 0\n"
            "print('BENCH', time.perf_counter() - t, rc, "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr)")
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "consolidate", *files, "-o", str(out), "-j", str(jobs),
                           "--json"], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - t
    line = [x for x in proc.stderr.splitlines() if x.startswith("BENCH")]
    if not line:
        sys.stderr.write(proc.stderr)
        raise SystemExit("CLI run failed")
    _, _inner, rc, rss = line[-1].split()
    return wall, int(rc), float(rss)


# ====================================================================== main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--districts", type=int, default=928, help="how many district workbooks (default: all 928)")
    ap.add_argument("--folder", help="where the workbooks go (default: a temporary folder); existing ones are reused")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: the library's, min(2, CPUs))")
    ap.add_argument("--openpyxl-files", type=int, default=OPENPYXL_SUBSET, help="subset for the openpyxl pass")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(phase(a.phase, json.loads(Path(a.spec).read_text()))))
        return

    from kaset_xl.consolidate import default_jobs

    jobs = a.jobs or default_jobs()
    codes = _all_districts()[: a.districts]
    tmp = a.folder is None
    folder = Path(a.folder) if a.folder else Path(tempfile.mkdtemp(prefix="kaset-bench-"))
    workdir = Path(tempfile.mkdtemp(prefix="kaset-bench-out-"))
    try:
        print(f"kaset-xl consolidation benchmark: {len(codes)} district workbooks, {jobs} worker processes, "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        made = generate(codes, folder, jobs)
        paths = [made[c] for c in codes]
        by_province: dict[str, list[str]] = defaultdict(list)
        for c in codes:
            by_province[c[:2]].append(made[c])
        biggest = max(by_province, key=lambda p: (len(by_province[p]), p))
        n = len(paths)
        mb = sum(Path(p).stat().st_size for p in paths) / 1e6
        spec = {"paths": paths, "jobs": jobs, "outdir": str(workdir), "by_province": by_province, "biggest": biggest}

        floor_path = run_phase("floor", spec, workdir)
        floor_bytes = run_phase("floor_bytes", spec, workdir)
        floor = min(floor_path, floor_bytes, key=lambda r: r["seconds"])
        summ = run_phase("summarise_all", spec, workdir)
        cons = run_phase("consolidate", spec, workdir)
        subset = paths[:: max(1, n // a.openpyxl_files)][: a.openpyxl_files]
        opx = run_phase("openpyxl", {**spec, "paths": subset}, workdir)
        opx_full = opx["seconds"] * n / len(subset)
        subset_d = subset[: max(2, len(subset) // 3)]
        opd = run_phase("openpyxl_default", {**spec, "paths": subset_d}, workdir)
        opd_full = opd["seconds"] * n / len(subset_d)
        cli_wall, cli_rc, cli_rss = run_cli(by_province[biggest], workdir / "cli.xlsx", jobs)

        import geothai

        big_name = geothai.province(biggest).name_en
        nb = cons["big_files"]
        print(f"\ninputs: {n} workbooks ({mb:.1f} MB, {mb / n * 1000:.0f} kB each) of {len(by_province)} provinces; "
              f"{summ['members']} members; {summ['errors']} errors, {summ['warnings']} warnings, "
              f"{summ['fatal']} unreadable")
        def rate(r: dict) -> str:
            return f"{r['seconds']:7.2f} s  {n / r['seconds']:6.1f} files/s"

        print(f"(b) floor, python-calamine every sheet:     {rate(floor_path)}  "
              f"({floor_path['cells']} cells; from_path)")
        print(f"(b) the same from the file's bytes:         {rate(floor_bytes)}  "
              "(from_filelike; the floor is the faster)")
        print(f"(a) consolidation, read+check+score stage:  {rate(summ)}  (summarise_all, all {n} files in one pool)")
        print(f"(a) consolidation per province, summed:     {rate(cons)}"
              f"  ({cons['runs']} runs of consolidate() + write_provincial_workbook(): "
              f"{cons['read_s']:.2f} s consolidate, {cons['write_s']:.2f} s writing; {cons['received']} received)")
        print(f"(a) biggest province {biggest} {big_name} ({nb} districts): {cons['big_seconds']:.2f} s "
              f"({cons['big_read_s']:.2f} s consolidate, {cons['big_seconds'] - cons['big_read_s']:.2f} s writing); "
              f"CLI `kaset-xl consolidate` {cli_wall:.2f} s wall incl. interpreter start (exit {cli_rc})")
        print(f"(c) openpyxl read_only every sheet:         {opx_full:7.2f} s  {n / opx_full:6.1f} files/s"
              f"  (extrapolated from {len(subset)} files: {opx['seconds']:.2f} s)")
        print(f"(d) openpyxl default mode every sheet:     {opd_full:7.2f} s  {n / opd_full:6.1f} files/s"
              f"  (load_workbook(data_only=True), as most scripts do; extrapolated from {len(subset_d)} files: "
              f"{opd['seconds']:.2f} s)")
        print("ratios:")
        print(f"  read stage / floor                 {summ['seconds'] / floor['seconds']:5.2f}×   (target ≤ 1.5×)")
        print(f"  per-province consolidation / floor {cons['seconds'] / floor['seconds']:5.2f}×   (target ≤ 1.5×)")
        print(f"  openpyxl / read stage              {opx_full / summ['seconds']:5.2f}×   (target ≥ 10×)")
        print(f"  openpyxl / per-province consolidation {opx_full / cons['seconds']:5.2f}×   (target ≥ 10×)")
        print(f"  openpyxl default / read stage      {opd_full / summ['seconds']:5.2f}×   (target ≥ 10×)")
        print(f"  openpyxl read_only / floor         {opx_full / floor['seconds']:5.2f}×   "
              f"(the most any reader built on calamine can gain over openpyxl read_only)")
        print("peak memory (ru_maxrss; parent = measuring process, worker = largest worker):")
        worst = 0.0
        for label, r in (("floor (from_path)", floor_path), ("floor (from bytes)", floor_bytes), ("read stage", summ),
                         ("per-province consolidation", cons), ("openpyxl read_only", opx),
                         ("openpyxl default", opd)):
            bound = r["rss_self_mb"] + jobs * r["rss_children_mb"]
            worst = max(worst, bound)
            print(f"  {label:28s} parent {r['rss_self_mb']:6.0f} MB, worker {r['rss_children_mb']:6.0f} MB,"
                  f" parent + {jobs} × worker ≤ {bound:6.0f} MB")
        print(f"  CLI (biggest province)       parent {cli_rss:6.0f} MB")
        print(f"  worst bound {worst:.0f} MB (target ≤ 1024 MB)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if tmp and not a.keep:
            shutil.rmtree(folder, ignore_errors=True)
        elif tmp:
            print(f"workbooks kept in {folder}")


if __name__ == "__main__":
    main()
