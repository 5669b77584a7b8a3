"""After a codebook edit: which articles' mention-dependent rows must be recomputed, and the merged tables.

The mention-dependent layers (quotes, roles, labels, tone toward each mention) are, for
each article, pure functions of its text, its sentences and its mentions, plus for some
layers a part of the codebook that the layer declares (a *view*: labels read the
codebook's names and aliases). So when the codebook changes, an article's rows can only
change if

* its mentions changed (the mention layer runs on every article: it is the part the
  codebook defines, and comparing its rows is exact), or
* a layer's view of the codebook changed in a way the layer says touches the article
  (``codebook_touches`` of the layer, e.g. a name word that occurs in the article); then
  only that layer is recomputed for it.

Every other article keeps the rows of the previous annotation (an ``annotations`` cache
entry made from the same text layer, settings and code). :func:`merge_rows` puts the
recomputed and the kept rows back in article order, so the tables equal those of a cold
run (tests/annotate/test_layered_cache.py compares them).
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

#: Mention-table columns whose equality means "the same mentions" (the others follow from them).
_MENTION_KEY = ["mention_id", "sentence_id", "start", "end", "surface", "actor_id", "kind", "in_quote"]

Touches = Callable[[Sequence[str], Sequence[str], pd.DataFrame], np.ndarray]


def article_positions(table: pd.DataFrame, article_ids: pd.Index) -> np.ndarray:
    """Position of each row's article in ``article_ids`` (-1 for an article not there)."""
    return article_ids.get_indexer(table["article_id"])


def changed_articles(old: pd.DataFrame, new: pd.DataFrame, article_ids: pd.Index) -> np.ndarray:
    """Boolean per article: do its rows differ between two mention tables (in count or any key column)?

    Both tables hold each article's rows together and in ``mention_id`` order, so the rows
    of articles with the same count line up one to one and are compared column by column.
    """
    n = len(article_ids)
    old_at, new_at = article_positions(old, article_ids), article_positions(new, article_ids)
    if (old_at < 0).any():
        raise ValueError("the previous mentions table names articles this corpus does not have")
    changed = np.bincount(old_at, minlength=n) != np.bincount(new_at, minlength=n)
    same_old, same_new = ~changed[old_at], ~changed[new_at]
    at = old_at[same_old]
    differs = np.zeros(len(at), dtype=bool)
    for column in _MENTION_KEY:
        a = old[column].to_numpy()[same_old]
        b = new[column].to_numpy()[same_new]
        differs |= np.asarray(a != b, dtype=bool)
    changed[at[differs]] = True
    return changed


def merge_rows(old: pd.DataFrame, new: pd.DataFrame, redo: np.ndarray, article_ids: pd.Index) -> pd.DataFrame:
    """The rows of ``new`` for the articles in ``redo``, of ``old`` for the others, in article order.

    Within an article the rows keep their order; the result has a fresh RangeIndex, like a
    table annotated in one go.
    """
    kept = old[~redo[article_positions(old, article_ids)]]
    parts = [part for part in (kept, new) if len(part)] or [old.iloc[:0]]
    merged = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    order = np.argsort(article_positions(merged, article_ids), kind="stable")
    if len(parts) > 1 and not np.array_equal(order, np.arange(len(order))):
        merged = merged.iloc[order].reset_index(drop=True)
    return merged


def codebook_touches(hooks: Mapping[str, tuple[Callable, Callable]], old_views: Mapping[str, object],
                     codebook: object) -> dict[str, Touches | None] | None:
    """Each hooked layer's test for the articles its codebook view's change touches (None: no change).

    ``hooks`` maps a layer to its (view, touches) functions; ``old_views`` are the views
    recorded with the previous annotation. None when a view cannot be compared (missing
    from the previous entry): then nothing can be reused.
    """
    tests: dict[str, Touches | None] = {}
    for layer, (view, touches) in hooks.items():
        if layer not in old_views:
            return None
        tests[layer] = touches(old_views[layer], view(codebook))
    return tests
