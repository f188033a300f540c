"""Regenerate the sample district workbooks in workbooks/ (reproducible: same code, same files)."""

from pathlib import Path

from kaset_xl.samples import make_samples

if __name__ == "__main__":
    for path in make_samples(Path(__file__).resolve().parent.parent / "workbooks"):
        print(path)
