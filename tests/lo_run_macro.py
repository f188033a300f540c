"""Run a document macro of a workbook in LibreOffice through UNO and print what it did as JSON.

Run it with the Python that has LibreOffice's ``uno`` module (on Debian ``/usr/bin/python3``), not the
project's virtual environment.  The document is loaded with macros allowed (MacroExecutionMode 4,
ALWAYS_EXECUTE_NO_WARN); each macro is called through the document's script provider, as a button
click would, then the given cells are read:

    /usr/bin/python3 tests/lo_run_macro.py --soffice soffice --profile /tmp/lo-profile book.xlsm \\
        --macro VBAProject.KasetButtons.KasetValidate --cell "Sheet!Z1"

Output: ``{"results": [return value of each macro], "cells": {CELL: text}, "seconds": t}``.
The workbook file itself is never saved.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

from lo_recalc import _props, connect, soffice_command  # the same start-up and connection

ALWAYS_EXECUTE_NO_WARN = 4  # com.sun.star.document.MacroExecMode


def run_macros(desktop: object, path: Path, macros: list[str], cells: list[str]) -> dict[str, object]:
    doc = desktop.loadComponentFromURL(path.resolve().as_uri(), "_blank", 0,
                                       _props(Hidden=True, MacroExecutionMode=ALWAYS_EXECUTE_NO_WARN))
    if doc is None:
        raise SystemExit(f"LibreOffice could not open {path}")
    try:
        provider = doc.getScriptProvider()
        results = []
        for macro in macros:
            script = provider.getScript(f"vnd.sun.star.script:{macro}?language=Basic&location=document")
            value, _out_index, _out_params = script.invoke((), (), ())
            results.append(value)
        values: dict[str, str] = {}
        for spec in cells:
            sheet_name, address = spec.rsplit("!", 1)
            sheet_name = sheet_name.strip("'")
            if not doc.Sheets.hasByName(sheet_name):
                raise SystemExit(f"{path.name} has no sheet {sheet_name!r}")
            values[spec] = doc.Sheets.getByName(sheet_name).getCellRangeByName(address).getString()
        return {"results": results, "cells": values}
    finally:
        doc.close(True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pipe", help="connect to a LibreOffice listening on this pipe name")
    p.add_argument("--soffice", help="start this soffice binary instead (standalone use)")
    p.add_argument("--profile", type=Path, help="private profile folder for --soffice")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for LibreOffice to listen")
    p.add_argument("--macro", action="append", default=[], help="LIBRARY.MODULE.SUB to run (repeatable)")
    p.add_argument("--cell", action="append", default=[], help="SHEET!A1 to read afterwards (repeatable)")
    p.add_argument("file", type=Path)
    args = p.parse_args(argv)
    if bool(args.pipe) == bool(args.soffice):
        p.error("give exactly one of --pipe and --soffice")
    if args.soffice and not args.profile:
        p.error("--soffice needs --profile (never the user's own profile)")
    if not args.macro:
        p.error("give at least one --macro")

    started = time.monotonic()
    proc = None
    pipe = args.pipe
    if args.soffice:
        pipe = f"kaset_lo_macro_{uuid.uuid4().hex[:12]}"
        proc = subprocess.Popen(soffice_command(args.soffice, args.profile, pipe), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    desktop = connect(pipe, args.timeout)
    try:
        out = run_macros(desktop, args.file, args.macro, args.cell)
    finally:
        if proc is not None:
            try:
                desktop.terminate()
            except Exception:  # the bridge goes away while LibreOffice quits
                pass
            proc.wait(timeout=60)
    out["seconds"] = round(time.monotonic() - started, 3)
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
