"""python -m devtools.scenarios OUT_DIR [NAME ...]: render the bundled scenarios."""

import sys
from pathlib import Path

from devtools.scenarios import render_suite

if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m devtools.scenarios OUT_DIR [NAME ...]")
    for path in render_suite(Path(sys.argv[1]), sys.argv[2:] or None):
        print(path)
