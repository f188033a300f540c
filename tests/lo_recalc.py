"""Recalculate a workbook in LibreOffice through UNO and print the values of cell ranges as JSON.

Run it with the Python that has LibreOffice's ``uno`` module (on Debian ``/usr/bin/python3``), not the
project's virtual environment.  Plain ``soffice --convert-to`` keeps the cached values a file was
saved with (openpyxl saves formulas without any), so the values are read after ``calculateAll()``.

    # against a LibreOffice already listening on a pipe (the tests start one per module):
    /usr/bin/python3 tests/lo_recalc.py --pipe kaset1 book.xlsx "ประเมิน 3ก!V6:AA9" "IFPP!K6:K20"
    # or standalone (starts and stops its own LibreOffice with a private profile):
    /usr/bin/python3 tests/lo_recalc.py --soffice soffice --profile /tmp/lo-profile book.xlsx "IFPP!K6"
    # stop a listening LibreOffice:
    /usr/bin/python3 tests/lo_recalc.py --pipe kaset1 --terminate

Output: ``{"values": {RANGE: [[...], ...]}, "errors": {RANGE: "addresses of error cells"}, "seconds": t}``.
Numbers are floats, text is text, an empty cell or a formula giving "" is "".  A range is
``SHEET!A1`` or ``SHEET!A1:C9`` (the sheet name may hold spaces; it ends at the last "!").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uno  # type: ignore[import-not-found]  # LibreOffice's Python-UNO
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

FORMULA_RESULT_ERROR = 4  # com.sun.star.sheet.FormulaResult.ERROR


def _props(**values: object) -> tuple[PropertyValue, ...]:
    return tuple(PropertyValue(Name=k, Value=v) for k, v in values.items())


def soffice_command(binary: str, profile: Path, pipe: str) -> list[str]:
    """The command line of a headless LibreOffice listening on ``pipe``, with a private profile."""
    return [binary, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--invisible",
            "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]


def connect(pipe: str, timeout: float) -> object:
    """The Desktop of the LibreOffice listening on ``pipe`` (waits for it to come up)."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if time.monotonic() > deadline:
                raise SystemExit(f"no LibreOffice is listening on pipe {pipe!r} after {timeout:g} s") from None
            time.sleep(0.1)


def cell_range(doc: object, path: Path, spec: str) -> object:
    """The UNO cell range of ``SHEET!A1`` or ``SHEET!A1:C9`` (the sheet name may hold spaces)."""
    sheet_name, address = spec.rsplit("!", 1)
    sheet_name = sheet_name.strip("'")
    if not doc.Sheets.hasByName(sheet_name):
        raise SystemExit(f"{path.name} has no sheet {sheet_name!r}")
    return doc.Sheets.getByName(sheet_name).getCellRangeByName(address)


def add_connection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pipe", help="connect to a LibreOffice listening on this pipe name")
    p.add_argument("--soffice", help="start this soffice binary instead (standalone use)")
    p.add_argument("--profile", type=Path, help="private profile folder for --soffice")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for LibreOffice to listen")


def check_connection_options(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if bool(args.pipe) == bool(args.soffice):
        p.error("give exactly one of --pipe and --soffice")
    if args.soffice and not args.profile:
        p.error("--soffice needs --profile (never the user's own profile)")


@contextmanager
def libreoffice(args: argparse.Namespace, prefix: str, *, terminate: bool = False) -> Iterator[object]:
    """The Desktop of the LibreOffice on ``--pipe``, or of one started for ``--soffice`` and stopped after."""
    proc = None
    pipe = args.pipe
    if args.soffice:
        pipe = f"{prefix}_{uuid.uuid4().hex[:12]}"
        proc = subprocess.Popen(soffice_command(args.soffice, args.profile, pipe), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    desktop = connect(pipe, args.timeout)
    try:
        yield desktop
    finally:
        if terminate or proc is not None:
            try:
                desktop.terminate()
            except Exception:  # the bridge goes away while LibreOffice quits
                pass
            if proc is not None:
                proc.wait(timeout=60)


def print_json(out: dict[str, object], started: float) -> int:
    out["seconds"] = round(time.monotonic() - started, 3)
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def recalc(desktop: object, path: Path, ranges: list[str]) -> dict[str, object]:
    doc = desktop.loadComponentFromURL(path.resolve().as_uri(), "_blank", 0, _props(Hidden=True, ReadOnly=True))
    if doc is None:
        raise SystemExit(f"LibreOffice could not open {path}")
    try:
        doc.calculateAll()
        values: dict[str, list[list[object]]] = {}
        errors: dict[str, str] = {}
        for spec in ranges:
            cells = cell_range(doc, path, spec)
            values[spec] = [list(row) for row in cells.getDataArray()]
            bad = cells.queryFormulaCells(FORMULA_RESULT_ERROR).getRangeAddressesAsString()
            if bad:
                errors[spec] = bad
        return {"values": values, "errors": errors}
    finally:
        doc.close(True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_connection_options(p)
    p.add_argument("--terminate", action="store_true", help="stop the LibreOffice on --pipe and exit")
    p.add_argument("file", nargs="?", type=Path)
    p.add_argument("ranges", nargs="*")
    args = p.parse_args(argv)
    check_connection_options(p, args)
    if not args.terminate and (args.file is None or not args.ranges):
        p.error("give a FILE and at least one RANGE")

    started = time.monotonic()
    with libreoffice(args, "kaset_lo_recalc", terminate=args.terminate) as desktop:
        if args.terminate:
            return 0
        out = recalc(desktop, args.file, args.ranges)
    return print_json(out, started)

if __name__ == "__main__":
    sys.exit(main())
