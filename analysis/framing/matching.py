"""Frame matching: every counted match of a frame dictionary in a token table, vectorised.

:func:`_prepare` reads the ``tokens`` table of :mod:`analysis.annotate.pipeline` once
(sentences, vocabulary, word counts); :func:`_match` finds the matches of a dictionary's
compiled form (``FrameDictionary._matcher``, see :mod:`analysis.framing.dictionaries`)
with array operations, without a Python loop per token. :mod:`analysis.framing.frames`
counts the matches into its score and evidence tables. The matching lives apart from the
scores so that its rules and the array code that implements them read in one place.

Matching rules (the method note of :func:`analysis.framing.frames.method_note` states
them for a write-up):

* Terms match the ``lower`` column of the token table (lower case, typographic
  apostrophes folded), i.e. surface forms, not stems. A trailing ``*`` is a prefix
  match (``accus*``: accuse, accused, accusation), so what a term covers is visible in
  the dictionary and countable (:func:`analysis.framing.frames.term_counts`), which
  stemming would hide.
* A term is tokenised like the text ("shouldn't" is ``should n't``; "cease-fire" is one
  token). A multi-word term (phrase) matches consecutive tokens of one sentence;
  punctuation between words breaks a phrase ("war, crimes" is not "war crimes").
* Within a frame a token counts at most once: overlapping matches resolve leftmost
  first, then longest ("war crimes" is one hit, not also "crime*"). Across frames
  every frame counts on its own: a token may be evidence for several frames.
* ``n_words`` counts the sentence's word tokens (tokens with a letter, stop words
  included); ``score`` is hits per 100 words. Stop words match only when a term lists
  them (phrases such as "rule of law" do).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.framing.dictionaries import _Matcher


class _Tokens(NamedTuple):
    """What matching needs from a token table, computed once per table."""

    table: pd.DataFrame
    codes: np.ndarray        # vocabulary code of each token
    vocab: pa.Array          # distinct lower-case tokens (Arrow strings)
    segment: np.ndarray      # sentence index of each token (0..n_sentences-1)
    keys: pd.DataFrame       # article_id, sentence_id of each segment
    n_words: np.ndarray      # word tokens per segment
    token_id: np.ndarray | None


def _prepare(tokens: pd.DataFrame) -> _Tokens:
    missing = [c for c in ("article_id", "sentence_id", "lower") if c not in tokens.columns]
    if missing:
        raise ValueError(f"the token table lacks column(s) {', '.join(missing)} (expected the 'tokens' table of "
                         "analysis.annotate.pipeline)")
    table = tokens.reset_index(drop=True)
    article = pd.factorize(table["article_id"], sort=False)[0]
    sentence = table["sentence_id"].to_numpy(dtype=np.int64)
    n = len(table)
    if n and (np.any(np.diff(article) < 0) or np.any((np.diff(article) == 0) & (np.diff(sentence) < 0))):
        # rows out of order (articles interleaved or sentences shuffled): restore table order
        order = np.lexsort((table["token_id"].to_numpy() if "token_id" in table else np.arange(n), sentence, article))
        table = table.iloc[order].reset_index(drop=True)
        article, sentence = article[order], sentence[order]
    change = np.ones(n, dtype=bool)
    if n:
        change[1:] = (article[1:] != article[:-1]) | (sentence[1:] != sentence[:-1])
    segment = np.cumsum(change) - 1
    firsts = np.flatnonzero(change)
    keys = pd.DataFrame({"article_id": table["article_id"].to_numpy()[firsts],
                         "sentence_id": sentence[firsts].astype(np.int32)})
    codes, vocab = pd.factorize(table["lower"], sort=False)
    if "is_word" in table:
        is_word = table["is_word"].to_numpy(dtype=bool)
    else:
        is_word = table["lower"].astype(str).str.contains(r"[^\W\d_]", regex=True).to_numpy(dtype=bool)
    n_words = np.bincount(segment[is_word], minlength=len(firsts)).astype(np.int32)
    token_id = table["token_id"].to_numpy(dtype=np.int64) if "token_id" in table else None
    return _Tokens(table, codes.astype(np.int64), _arrow_strings(vocab), segment, keys, n_words, token_id)


def _arrow_strings(values: object) -> pa.Array:
    array = getattr(values, "array", values)
    try:
        result = pa.array(array, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        result = pa.array([str(v) for v in array], type=pa.string())
    return result.combine_chunks() if isinstance(result, pa.ChunkedArray) else result


def _expand(codes: np.ndarray, entry_vocab: np.ndarray, n_vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """(token position, entry index) for every token whose vocabulary code has entries.

    ``entry_vocab`` holds the vocabulary code of each entry; entries of one code may be many.
    """
    order = np.argsort(entry_vocab, kind="stable")
    counts = np.bincount(entry_vocab, minlength=n_vocab)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    per_token = counts[codes] if len(codes) else np.empty(0, np.int64)
    positions = np.flatnonzero(per_token)
    repeat = per_token[positions]
    token_pos = np.repeat(positions, repeat)
    group_start = np.repeat(np.cumsum(repeat) - repeat, repeat)
    within = np.arange(len(token_pos)) - group_start
    entries = order[offsets[codes[token_pos]] + within]
    return token_pos, entries


class _Matches(NamedTuple):
    position: np.ndarray     # first token of the match
    length: np.ndarray       # tokens covered
    term: np.ndarray         # term index in the matcher
    frame: np.ndarray        # frame index


def _match(prepared: _Tokens, matcher: _Matcher) -> _Matches:
    """Every counted match: single words and phrases, one per (token, frame), longest first."""
    n_vocab = len(prepared.vocab)
    codes = prepared.codes
    pair_vocab, pair_pattern = matcher.vocabulary_pairs(prepared.vocab)
    n_terms = len(matcher.term_patterns)
    lengths = np.fromiter((len(p) for p in matcher.term_patterns), dtype=np.int64, count=n_terms)

    # single words: entries (vocab, term) for one-token terms, best term per (vocab, frame)
    single_of_pattern: dict[int, list[int]] = {}
    for t in np.flatnonzero(lengths == 1):
        single_of_pattern.setdefault(matcher.term_patterns[t][0], []).append(int(t))
    entry_vocab, entry_term = [], []
    for v, p in zip(pair_vocab.tolist(), pair_pattern.tolist()):
        for t in single_of_pattern.get(p, ()):
            entry_vocab.append(v)
            entry_term.append(t)
    entry_vocab_a = np.asarray(entry_vocab, dtype=np.int64)
    entry_term_a = np.asarray(entry_term, dtype=np.int64)
    if len(entry_term_a):
        entries = pd.DataFrame({"v": entry_vocab_a, "t": entry_term_a, "f": matcher.term_frame[entry_term_a],
                                "s": matcher.specificity[entry_term_a]})
        entries = entries.sort_values(["v", "f", "s"], ascending=[True, True, False], kind="stable")
        entries = entries.drop_duplicates(["v", "f"])
        entry_vocab_a, entry_term_a = entries["v"].to_numpy(), entries["t"].to_numpy()
    s_pos, s_entry = _expand(codes, entry_vocab_a, n_vocab)
    s_term = entry_term_a[s_entry]

    # phrases: token positions per pattern, then each phrase's starts checked token by token
    phrase_terms = np.flatnonzero(lengths > 1)
    p_pos_list, p_term_list = [], []
    if len(phrase_terms) and len(codes):
        n_patterns = len(matcher.patterns)
        used = np.zeros(n_patterns, dtype=bool)
        for t in phrase_terms:
            used[list(matcher.term_patterns[t])] = True
        keep = used[pair_pattern]
        tok_pos, entry = _expand(codes, pair_vocab[keep], n_vocab)
        tok_pattern = pair_pattern[keep][entry]
        keys = np.sort(tok_pos * n_patterns + tok_pattern)
        by_pattern = np.lexsort((tok_pos, tok_pattern))
        sorted_pattern, sorted_pos = tok_pattern[by_pattern], tok_pos[by_pattern]
        n = len(codes)
        for t in phrase_terms:
            ids = matcher.term_patterns[t]
            lo, hi = np.searchsorted(sorted_pattern, [ids[0], ids[0] + 1])
            starts = sorted_pos[lo:hi]
            for j, pid in enumerate(ids[1:], start=1):
                if not len(starts):
                    break
                starts = starts[starts + j < n]
                wanted = (starts + j) * n_patterns + pid
                at = np.searchsorted(keys, wanted)
                ok = (at < len(keys)) & (keys[np.minimum(at, len(keys) - 1)] == wanted)
                ok &= prepared.segment[np.minimum(starts + j, n - 1)] == prepared.segment[starts]
                if prepared.token_id is not None:
                    ok &= prepared.token_id[np.minimum(starts + j, n - 1)] == prepared.token_id[starts] + j
                starts = starts[ok]
            if len(starts):
                p_pos_list.append(starts)
                p_term_list.append(np.full(len(starts), t, dtype=np.int64))
    p_pos = np.concatenate(p_pos_list) if p_pos_list else np.empty(0, np.int64)
    p_term = np.concatenate(p_term_list) if p_term_list else np.empty(0, np.int64)
    p_len, p_frame = lengths[p_term], matcher.term_frame[p_term]

    # within a frame, leftmost then longest wins; a covered token counts once
    kept = _resolve_phrases(p_pos, p_len, p_frame)
    p_pos, p_len, p_term, p_frame = p_pos[kept], p_len[kept], p_term[kept], p_frame[kept]
    s_frame = matcher.term_frame[s_term]
    if len(p_pos):
        n_frames = int(matcher.term_frame.max()) + 1
        covered = np.repeat(p_pos, p_len) + (np.arange(p_len.sum()) - np.repeat(np.cumsum(p_len) - p_len, p_len))
        covered_keys = covered * n_frames + np.repeat(p_frame, p_len)
        free = ~np.isin(s_pos * n_frames + s_frame, covered_keys)
        s_pos, s_term, s_frame = s_pos[free], s_term[free], s_frame[free]
    position = np.concatenate([s_pos, p_pos])
    order = np.lexsort((np.concatenate([s_frame, p_frame]), position))
    return _Matches(position=position[order], length=np.concatenate([np.ones(len(s_pos), np.int64), p_len])[order],
                    term=np.concatenate([s_term, p_term])[order], frame=np.concatenate([s_frame, p_frame])[order])


def _resolve_phrases(position: np.ndarray, length: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """Indices of phrase matches kept: per frame, leftmost first, longest first, no overlaps."""
    if not len(position):
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((-length, position, frame))
    kept = []
    last_frame, last_end = -1, -1
    for i, f, p, n in zip(order.tolist(), frame[order].tolist(), position[order].tolist(), length[order].tolist()):
        if f != last_frame:
            last_frame, last_end = f, -1
        if p >= last_end:
            kept.append(i)
            last_end = p + n
    return np.asarray(kept, dtype=np.int64)
