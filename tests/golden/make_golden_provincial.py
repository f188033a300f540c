"""Write the golden provincial workbook's values (``provincial-58-2564.expected.json``).

    python tests/golden/make_golden_provincial.py     # rewrites the committed golden here
    provincial_values(workdir)                         # the values as the test compares them

The shipped sample workbooks of Mae Hong Son (``workbooks/``) are copied to ``workdir`` with a fixed
modification time, consolidated with ``today = TODAY`` and the provincial workbook is read back with
python-calamine: every sheet's cell values (dates as ISO text, the work folder as ``<workdir>``).  The test
compares these values, not the file's bytes (XlsxWriter's zip timestamps and the order of XML attributes are
not the point).

When the samples or the report layout change on purpose, rerun this script and review the diff of
the JSON file: it is the provincial report a person would check.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))  # this folder is not a package

from golden_common import GOLDEN_DIR, TODAY  # noqa: E402
from kaset_xl.consolidate import consolidate, write_provincial_workbook  # noqa: E402

__all__ = ["TODAY", "MTIME", "provincial_values", "EXPECTED"]

MTIME = dt.datetime(2021, 9, 30, 16, 0).timestamp()  # the samples' modification time in the golden run
ROOT = GOLDEN_DIR.parents[1]
EXPECTED = GOLDEN_DIR / "provincial-58-2564.expected.json"


def _plain(v: Any, workdir: str) -> Any:
    if isinstance(v, str):
        return v.replace(workdir, "<workdir>")  # the provenance sheet names each input's full path
    if isinstance(v, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return v.isoformat() if not isinstance(v, dt.timedelta) else v.total_seconds()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def provincial_values(workdir: Path) -> dict[str, list[list[Any]]]:
    """Consolidate a copy of the samples in ``workdir`` and return every sheet's values."""
    src = workdir / "in"
    src.mkdir()
    for p in sorted((ROOT / "workbooks").glob("*.xlsx")):
        shutil.copyfile(p, src / p.name)
        os.utime(src / p.name, (MTIME, MTIME))
    out = workdir / "province.xlsx"
    result = consolidate([src], jobs=1, today=TODAY)
    write_provincial_workbook(result, out)
    wb = CalamineWorkbook.from_path(str(out))
    try:
        return {name: [[_plain(v, str(workdir)) for v in row] for row in wb.get_sheet_by_name(name).to_python()]
                for name in wb.sheet_names}
    finally:
        wb.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        values = provincial_values(Path(tmp))
    EXPECTED.write_text(json.dumps(values, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED} ({sum(len(r) for r in values.values())} rows in {len(values)} sheets)")


if __name__ == "__main__":
    sys.exit(main())
