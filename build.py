"""Build the demo report in this folder: `python build.py` (same as `kfsreport build`)."""

import sys
from pathlib import Path

from kfsreport.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", "--project", str(Path(__file__).resolve().parent), *sys.argv[1:]]))
