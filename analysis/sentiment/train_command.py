"""``python -m analysis train-sentiment [--method learned|minilm-ft] ...``: which trainer gets the arguments.

``--method learned`` (the default) with ``--deep ARTICLES`` trains the default model, wide and deep
halves distilled from ``minilm-ft`` through that corpus's mentions (:mod:`analysis.sentiment.train_deep`,
``analysis/resources/target_sentiment_model.json``); without it the wide half alone
(:mod:`analysis.sentiment.train`; with ``--distill ARTICLES`` distilled, :mod:`analysis.sentiment.distill`);
``--method minilm-ft`` fine-tunes all-MiniLM-L6-v2 into the user cache folder
(:mod:`analysis.sentiment.finetune`; ``make sentiment-model``).
"""

from __future__ import annotations

import sys
from typing import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Strip ``--method M`` (or ``--method=M``) and hand the other arguments to that method's trainer."""
    args = list(sys.argv[1:] if argv is None else argv)
    method = "learned"
    for i, arg in enumerate(args):
        if arg == "--method" and i + 1 < len(args):
            method = args[i + 1]
            del args[i:i + 2]
            break
        if arg.startswith("--method="):
            method = arg.split("=", 1)[1]
            del args[i]
            break
    if method in ("learned", "default") and any(a == "--deep" or a.startswith("--deep=") for a in args):
        from analysis.sentiment.train_deep import main as deep_main

        return deep_main(args)
    if method in ("learned", "default") and any(a == "--distill" or a.startswith("--distill=") for a in args):
        from analysis.sentiment.distill import main as distill_main

        return distill_main(args)
    if method in ("learned", "default"):
        from analysis.sentiment.train import main as train_main

        return train_main(args)
    if method == "minilm-ft":
        from analysis.sentiment.finetune import main as finetune_main

        return finetune_main(args)
    print(f"error: --method: expected learned or minilm-ft, got {method!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
