"""``python -m analysis.frames``: the old path of ``python -m analysis frames`` (canonical), kept working.

The code lives in :mod:`analysis.framing.score_files`; this module only forwards its arguments.
"""

import sys

from analysis.cli import main

if __name__ == "__main__":
    sys.exit(main(["frames", *sys.argv[1:]]))
