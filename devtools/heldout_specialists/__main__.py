"""`python -m devtools.heldout_specialists OUT_DIR [NAME ...]`: render the specialists' held-out scenarios."""

import sys
from pathlib import Path

from devtools.heldout_specialists import render_suite

if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    for path in render_suite(Path(sys.argv[1]), sys.argv[2:] or None):
        print(path)
