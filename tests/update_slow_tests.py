"""Rewrite tests/slow_tests.txt: the tests whose setup + call take ``--threshold`` seconds or more.

    python tests/update_slow_tests.py            # runs the whole suite once with --durations=0 (threshold 0.3 s)
    python tests/update_slow_tests.py OUT.txt    # or reads the output of such a run

Run it after adding slow tests; the list is what ``pytest -m "not slow"`` leaves out.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINE = re.compile(r"^(\d+(?:\.\d+)?)s (setup|call|teardown)\s+(\S.*)$")


def slow_ids(output: str, threshold: float) -> list[str]:
    spent: dict[str, float] = defaultdict(float)
    for line in output.splitlines():
        m = LINE.match(line.strip())
        if m:
            spent[m.group(3)] += float(m.group(1))
    return sorted(node for node, seconds in spent.items() if seconds >= threshold)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", nargs="?", help="saved output of a pytest --durations=0 run")
    parser.add_argument("--threshold", type=float, default=0.3)
    args = parser.parse_args()
    if args.output:
        text = Path(args.output).read_text(encoding="utf-8")
    else:
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=0"],
                             cwd=HERE.parent, capture_output=True, text=True)
        text = run.stdout
    ids = slow_ids(text, args.threshold)
    header = (f"# Tests taking >= {args.threshold:g} s (setup + call), marked slow by conftest.py.\n"
              "# Made by tests/update_slow_tests.py; edit by hand only to add a test.\n")
    (HERE / "slow_tests.txt").write_text(header + "".join(f"{i}\n" for i in ids), encoding="utf-8")
    print(f"{len(ids)} slow tests listed in tests/slow_tests.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
