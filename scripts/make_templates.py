"""Make the shipped report templates in templates/ (reproducible: run again after changing the forms).

    python scripts/make_templates.py

The layout comes from kaset_xl/consolidate/forms.py and reports.py; tests/test_forms.py checks that
the committed templates are what this script makes (the certificate's layout: kaset_xl/certificate.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kaset_xl.certificate import CERT_TEMPLATE, build_certificate_template
from kaset_xl.consolidate.forms import TEMPLATE_FILE, build_provincial_template

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    for name, build in ((TEMPLATE_FILE, build_provincial_template), (CERT_TEMPLATE, build_certificate_template)):
        target = ROOT / "templates" / name
        build(target)
        print(f"wrote {target}")


if __name__ == "__main__":
    sys.exit(main())
