"""How news coverage treats each actor: term frequency, framing and sentiment.

Data flows one way: corpus → annotate → measure → plot → notebooks → batch.

The names below are the suite's public API, importable from ``analysis`` directly
(``from analysis import open_workspace, actor_salience, kwic``); each lives in the module
of its concern and is imported on first use, so ``import analysis`` stays light.
Functions whose names would clash across concerns stay in their modules
(``analysis.frames.score_sentences`` vs ``analysis.sentiment.score_sentences``).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API: dict[str, str] = {
    # corpus, codebook, annotation
    "read_corpus": "corpus", "iter_corpus": "corpus", "document_text": "corpus",
    "load_codebook": "codebook", "parse_codebook": "codebook",
    "find_mentions": "mentions", "candidate_actors": "mentions",
    "annotate_article": "annotate", "annotate_corpus": "annotate", "Settings": "annotate",
    "annotate_dataset": "dataset", "Dataset": "dataset",
    "open_workspace": "workspace", "InputError": "errors",
    # measures
    "actor_salience": "salience", "corpus_overview": "salience",
    "term_frequencies": "terms", "tfidf": "terms", "collocations": "terms", "actor_context_terms": "terms",
    "term_trends": "terms", "keyness": "keyness", "actor_keyness": "keyness", "group_keyness": "keyness",
    "kwic": "kwic",
    "load_frames": "frames", "actor_frames": "frames", "frame_hits": "frames",
    "voice": "voice", "attribution_verbs": "voice", "role_balance": "roles", "label_counts": "labels",
    "score_mentions": "sentiment", "actor_tone": "sentiment", "quote_tone": "sentiment", "evidence": "sentiment",
    "target_sentiment": "target_sentiment",
    # output
    "actor_view": "dossier", "save_figure": "figures", "run_report": "report",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(f"analysis.{_API[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
