"""`python -m devtools.adversarial OUT_DIR [NAME ...]`: render the suite (or the named scenarios)."""

import sys
from pathlib import Path

from devtools.adversarial import SCENARIOS, render_suite


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(
            "usage: python -m devtools.adversarial OUT_DIR [NAME ...]\nscenarios:\n  "
            + "\n  ".join(sorted(SCENARIOS))
        )
        return 0 if argv else 2
    for path in render_suite(Path(argv[0]), argv[1:] or None):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
