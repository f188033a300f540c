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
import sys
import time
from pathlib import Path

from lo_recalc import (  # the same start-up, connection and cell addressing
    _props,
    add_connection_options,
    cell_range,
    check_connection_options,
    libreoffice,
    print_json,
)

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
            values[spec] = cell_range(doc, path, spec).getString()
        return {"results": results, "cells": values}
    finally:
        doc.close(True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_connection_options(p)
    p.add_argument("--macro", action="append", default=[], help="LIBRARY.MODULE.SUB to run (repeatable)")
    p.add_argument("--cell", action="append", default=[], help="SHEET!A1 to read afterwards (repeatable)")
    p.add_argument("file", type=Path)
    args = p.parse_args(argv)
    check_connection_options(p, args)
    if not args.macro:
        p.error("give at least one --macro")

    started = time.monotonic()
    with libreoffice(args, "kaset_lo_macro") as desktop:
        out = run_macros(desktop, args.file, args.macro, args.cell)
    return print_json(out, started)

if __name__ == "__main__":
    sys.exit(main())
