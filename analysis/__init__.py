"""How news coverage treats each actor: term frequency, framing and sentiment.

Data flows one way: corpus → annotate → measure → plot → notebooks → batch.

The names below are the suite's public API, importable from ``analysis`` directly
(``from analysis import open_workspace, actor_salience, kwic``); each lives in the module
of its concern and is imported on first use, so ``import analysis`` stays light.
Functions whose names would clash across concerns stay in their modules
(``analysis.framing.frames.score_sentences`` vs ``analysis.sentiment.tone.score_sentences``).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API: dict[str, str] = {
    # corpus, codebook, annotation
    "read_corpus": "corpus.reader", "iter_corpus": "corpus.reader", "document_text": "corpus.reader",
    "load_codebook": "corpus.codebook", "parse_codebook": "corpus.codebook",
    "find_mentions": "corpus.mentions", "candidate_actors": "corpus.candidates", "coverage": "corpus.coverage",
    "codebook_stub": "corpus.stub",
    "annotate_article": "annotate.pipeline", "annotate_corpus": "annotate.pipeline", "Settings": "annotate.pipeline",
    "annotate_dataset": "annotate.dataset", "Dataset": "annotate.dataset",
    "open_workspace": "annotate.workspace", "InputError": "errors",
    # measures
    "actor_salience": "framing.salience", "corpus_overview": "framing.salience",
    "term_frequencies": "terms.counts", "tfidf": "terms.tfidf", "collocations": "terms.collocations", "actor_context_terms": "terms.actor_context",
    "term_trends": "terms.trends", "keyness": "terms.keyness", "actor_keyness": "terms.keyness", "group_keyness": "terms.keyness",
    "kwic": "terms.kwic",
    "load_frames": "framing.dictionaries", "actor_frames": "framing.frames", "frame_hits": "framing.frames",
    "voice": "framing.voice", "attribution_verbs": "framing.voice", "role_balance": "framing.roles", "label_counts": "framing.labels",
    "score_mentions": "sentiment.tone", "actor_tone": "sentiment.tone", "quote_tone": "sentiment.tone", "evidence": "sentiment.tone",
    "target_sentiment": "sentiment.target",
    # output
    "actor_view": "report.dossier", "save_figure": "plots.export", "run_report": "report.batch",
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
