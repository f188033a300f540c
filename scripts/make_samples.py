"""Regenerate the sample district workbooks in workbooks/ (reproducible: same code, same files)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the generator lives with the tests: it is not part of the package

from sample_data import make_samples  # noqa: E402

if __name__ == "__main__":
    for path in make_samples(ROOT / "workbooks"):
        print(path)
