"""``python -m analysis.evaluate``: the old path of ``python -m analysis evaluate`` (canonical), kept working.

The code lives in :mod:`analysis.sentiment.evaluate`; this module only forwards its arguments.
"""

import sys

from analysis.cli import main

if __name__ == "__main__":
    sys.exit(main(["evaluate", *sys.argv[1:]]))
