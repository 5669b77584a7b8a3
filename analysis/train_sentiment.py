"""``python -m analysis.train_sentiment``: the old path of ``python -m analysis train-sentiment`` (canonical), kept working.

The code lives in :mod:`analysis.sentiment.train`; this module only forwards its arguments.
"""

import sys

from analysis.cli import main

if __name__ == "__main__":
    sys.exit(main(["train-sentiment", *sys.argv[1:]]))
