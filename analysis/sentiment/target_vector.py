"""The feature families of the batched target-sentiment path, as array operations over a chunk.

Each function here computes one family of :func:`analysis.sentiment.target_features._residual`
(and the per-token word families of ``_intervals``) for every target of a chunk at once,
from the chunk's concatenated token arrays (:class:`analysis.sentiment.target_batch.Chunk`)
and the model's lookup tables (:class:`analysis.sentiment.target_tables.FeatureTables`):
integer weight sums by prefix sums and gathers, valence sums lexicon word by lexicon word
in sentence order. The reference loop's rules are restated in each docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.sentiment.target_features import Settings, _interval_arrays
from analysis.sentiment.target_tables import (_END, _LEX_BANDS, _OTHER, _ROLES, _SIGNS, _START,
                                              _TARGET, FeatureTables)


@dataclass
class Chunk:
    """A chunk of sentences as arrays: per token (concatenated) and per target (one row each).

    Tokens: ``nc`` word codes of the norms, ``mc`` the same with every target's tokens as
    ``<other>``, ``val`` VADER valences (negation applied), ``neg`` negation words. Targets:
    ``off`` their sentence's first token, ``n`` its length, ``t0``/``t1`` the target's first
    and last token, ``o0``/``o1`` its own region, ``others`` other targets in the sentence,
    and the sentence's ``compound``, ``lead`` (leading capitalised words, counted up to 4)
    and ``but`` (first "but", -1 if none). Clause bounds are found from ``bound``.
    """

    nc: np.ndarray
    mc: np.ndarray
    val: np.ndarray
    bound: np.ndarray
    neg: np.ndarray
    off: np.ndarray
    n: np.ndarray
    t0: np.ndarray
    t1: np.ndarray
    o0: np.ndarray
    o1: np.ndarray
    others: np.ndarray
    compound: np.ndarray
    lead: np.ndarray
    but: np.ndarray

def _band_index(d: np.ndarray) -> np.ndarray:
    """Index into :data:`_BAND_NAMES` of a distance, as ``_band`` names it."""
    return np.select([d <= 1, d <= 3, d <= 6, d <= 12], [0, 1, 2, 3], 4)


def prefix_sums(values: np.ndarray) -> np.ndarray:
    """Prefix sums with a leading zero (``out[b] - out[a]`` sums ``values[a:b]``)."""
    out = np.zeros((len(values) + 1, *values.shape[1:]), dtype=np.int64)
    np.cumsum(values, axis=0, dtype=np.int64, out=out[1:])
    return out


def _span_sum(prefix: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sums over global ``[a, b)`` (zero where ``b <= a``; ``b`` is always a valid prefix index)."""
    return prefix[b] - prefix[np.minimum(a, b)]


def last_at_or_before(flag: np.ndarray) -> np.ndarray:
    """For each position, the last position <= it where ``flag`` holds (-1 if none)."""
    return np.maximum.accumulate(np.where(flag, np.arange(len(flag)), -1)) if len(flag) else flag.astype(np.int64)


def first_at_or_after(flag: np.ndarray) -> np.ndarray:
    """For each position, the first position >= it where ``flag`` holds (len(flag) if none)."""
    if not len(flag):
        return flag.astype(np.int64)
    at = np.where(flag, np.arange(len(flag)), len(flag))
    return np.minimum.accumulate(at[::-1])[::-1]


class _Rows:
    """Per-target positions of the vectorised rows (local token indices and global offsets)."""

    def __init__(self, chunk: Chunk, rows: np.ndarray):
        self.off, self.n = chunk.off[rows], chunk.n[rows]
        self.t0, self.t1 = chunk.t0[rows], chunk.t1[rows]
        self.o0, self.o1 = chunk.o0[rows], chunk.o1[rows]
        self.g0, self.g1 = self.off + self.t0, self.off + self.t1
        last = max(len(chunk.nc) - 1, 0)
        lastb, nextb = last_at_or_before(chunk.bound), first_at_or_after(chunk.bound)
        b = np.where(self.t0 >= 1, lastb[np.clip(self.g0 - 1, 0, last)], -1)
        self.c0 = np.where(b >= self.off, b - self.off + 1, 0)
        e = np.where(self.t1 + 1 < self.n, nextb[np.clip(self.g1 + 1, 0, last)], self.off + self.n)
        self.c1 = np.where(e < self.off + self.n, e - self.off - 1, self.n - 1)

    def at(self, values: np.ndarray, local: np.ndarray, ok: np.ndarray, default: int) -> np.ndarray:
        """``values[off + local]`` where ``ok``, else ``default``."""
        index = np.clip(self.off + local, 0, max(len(values) - 1, 0))
        return np.where(ok, values[index], default) if len(values) else np.full(len(local), default)


def vector_rows(tables: FeatureTables, chunk: Chunk, rows: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Weight sums and numeric features of the targets ``rows`` (no overlapping span, with tokens)."""
    at = _Rows(chunk, rows)
    codes = tables.codes
    qsum = _word_families(tables, chunk, at) + tables.weight("bias")
    qsum += _span_sum(prefix_sums(tables.word["t"][chunk.nc]), at.g0, at.g1 + 1)
    qsum += _bigrams(tables, chunk, at)
    prev = at.at(chunk.nc, at.t0 - 1, at.t0 >= 1, codes[_START])
    prev2 = at.at(chunk.nc, at.t0 - 2, at.t0 >= 2, codes[_START])
    nxt = at.at(chunk.nc, at.t1 + 1, at.t1 + 1 < at.n, codes[_END])
    nxt2 = at.at(chunk.nc, at.t1 + 2, at.t1 + 2 < at.n, codes[_END])
    qsum += tables.word["p1"][prev] + tables.word["n1"][nxt]
    qsum += tables.pair_weights("p2", prev2, prev) + tables.pair_weights("n2", nxt, nxt2)
    roles, prep = _roles(tables, chunk, at, rows, prev, prev2, nxt, qsum)
    qsum += _lex_bands(tables, chunk, at)
    values = _valence_sums(tables.settings, chunk, at)
    if tables.settings.relations:
        qsum += _relations(tables, chunk, at, roles, prep, prev, values)
    compound = chunk.compound[rows]
    values.update(compound=compound, compound_pos=np.where(0.0 > compound, 0.0, compound),
                  compound_neg=np.where(0.0 < compound, 0.0, compound),
                  rel_pos=at.t0 / np.maximum(at.n - 1, 1))
    return qsum, values


def _word_families(tables: FeatureTables, chunk: Chunk, at: _Rows) -> np.ndarray:
    """Per-token word families (``s:``, ``o:``, ``c:``, ``L:`` ... on the masked words): interval sums."""
    geo = np.stack([at.off, at.n, at.t0, at.t1, at.c0, at.c1, at.o0, at.o1], axis=1)
    fam, lo, hi = _interval_arrays(geo, np.ones(len(geo), dtype=bool), tables.settings)
    width = len(chunk.mc) + 1
    prefix = np.zeros((tables.family_t.shape[0], width), dtype=np.int32)  # |sums| <= 127 * tokens
    np.take(tables.family_t, chunk.mc, axis=1, out=prefix[:, 1:])  # rows (family, class): contiguous
    np.cumsum(prefix, axis=1, out=prefix)  # in place: over twice as fast as a cumsum of a gathered copy
    row = (fam[:, :, None] * 3 + np.arange(3)) * width
    flat = prefix.ravel()
    return (flat[row + hi[:, :, None]] - flat[row + lo[:, :, None]]).sum(axis=1, dtype=np.int64)


def _bigrams(tables: FeatureTables, chunk: Chunk, at: _Rows) -> np.ndarray:
    """``bL:``/``bR:`` bigrams within ``bigram_window`` tokens of the target, its own tokens read ``<t>``."""
    mc, target = chunk.mc, tables.codes[_TARGET]
    window = tables.settings.bigram_window
    lo = np.maximum(0, at.t0 - window - 1)
    hi = np.minimum(at.n - 1, at.t1 + window + 1)
    left = prefix_sums(tables.pair_weights("bL", mc[:-1], mc[1:]))
    right = prefix_sums(tables.pair_weights("bR", mc[:-1], mc[1:]))
    out = _span_sum(left, at.off + lo, at.g0 - 1) + _span_sum(right, at.g1 + 1, at.off + hi)
    before = at.at(mc, at.t0 - 1, at.t0 >= 1, 0)
    after = at.at(mc, at.t1 + 1, at.t1 < hi, 0)
    out += np.where((at.t0 >= 1)[:, None], tables.pair_weights("bL", before, np.full_like(before, target)), 0)
    out += np.where((at.t1 < hi)[:, None], tables.pair_weights("bR", np.full_like(after, target), after), 0)
    return out


def _roles(tables: FeatureTables, chunk: Chunk, at: _Rows, rows: np.ndarray, prev: np.ndarray,
           prev2: np.ndarray, nxt: np.ndarray, qsum: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add the role, negation, "but" and n_others features to ``qsum``; return the role flags and prep flag."""
    flags, fixed, codes, nc = tables.flags, tables.fixed, tables.codes, chunk.nc
    speech = flags["speech"][nc]
    speaker = np.zeros(len(rows), dtype=bool)
    spoken = np.zeros(len(rows), dtype=np.int64)
    for k in (1, 2, 3):
        code = at.at(nc, at.t1 + k, at.t1 + k < at.n, 0)
        hit = ~speaker & flags["speech"][code] & (at.t1 + k < at.n)
        spoken = np.where(hit, code, spoken)
        speaker |= hit
    roles = np.stack([
        (at.t0 == 0) | ((at.t0 <= 3) & (chunk.lead[rows] >= at.t0)),
        flags["possessive"][nxt],
        speaker,
        (prev == codes["to"]) & (prev2 == codes["according"]),
        _span_sum(prefix_sums(speech), at.off + np.maximum(0, at.t0 - 3), at.g0) > 0,
        _span_sum(prefix_sums(flags["quote"][nc]), at.off, at.g0) % 2 == 1,
    ], axis=1)
    prep = flags["prep"][prev]
    for k, role in enumerate(_ROLES):
        qsum += roles[:, k, None] * fixed[role]
    qsum += np.where(speaker[:, None], tables.word["spk"][spoken], 0)
    qsum += np.where(prep[:, None], tables.word["prep"][prev], 0)
    negated = _span_sum(prefix_sums(chunk.neg), at.off + at.c0, at.off + at.c1 + 1) > 0
    qsum += negated[:, None] * fixed["negated"]
    but = chunk.but[rows]
    qsum += ((but >= 0) & (but < at.t0))[:, None] * fixed["but_after"]
    qsum += ((but >= 0) & (but >= at.t0))[:, None] * fixed["but_before"]
    qsum += fixed["n_others"][np.minimum(chunk.others[rows], 3)]
    return roles, prep


def _lex_bands(tables: FeatureTables, chunk: Chunk, at: _Rows) -> np.ndarray:
    """``lex{L,R}{+,-}{1,3,6}``: lexicon words by side, sign and distance band (within 6 tokens)."""
    out = np.zeros((len(at.off), 3), dtype=np.int64)
    for sign, flag in (("+", chunk.val > 0), ("-", chunk.val < 0)):
        prefix = prefix_sums(flag)
        for lo, hi, band in _LEX_BANDS:
            left = _span_sum(prefix, at.off + np.maximum(at.t0 - hi, 0), at.g0 - lo + 1)
            right = _span_sum(prefix, at.g1 + lo, at.off + np.minimum(at.t1 + hi, at.n - 1) + 1)
            out += left[:, None] * tables.fixed[f"lexL{sign}{band}"]
            out += right[:, None] * tables.fixed[f"lexR{sign}{band}"]
    return out


_SUMS = ("vL", "vR", "vC", "vO", "vS", "vLpos", "vLneg", "vRpos", "vRneg", "vD")


def _valence_sums(settings: Settings, chunk: Chunk, at: _Rows) -> dict[str, np.ndarray]:
    """VADER valence sums of the reference loop, added lexicon word by lexicon word in sentence order.

    Python adds a valence only where a condition holds; here every row adds +0.0
    instead, which leaves a float unchanged (the sums start at +0.0 and never become
    -0.0), so the results are the reference's bit for bit.
    """
    lex = np.flatnonzero(chunk.val != 0)
    first = np.searchsorted(lex, at.off)
    count = np.searchsorted(lex, at.off + at.n) - first
    acc = {name: np.zeros(len(at.off)) for name in _SUMS}
    for j in range(int(count.max()) if len(count) else 0):
        idx = np.flatnonzero(count > j)
        p = lex[first[idx] + j]
        i, v = p - at.off[idx], chunk.val[p]
        t0, t1 = at.t0[idx], at.t1[idx]
        left, right = i < t0, i > t1
        out = left | right
        d = np.where(left, t0 - i, np.where(right, i - t1, 0))
        near = out & (d <= settings.window)
        positive = v > 0
        for name, cond in (("vS", out), ("vO", out & (at.o0[idx] <= i) & (i <= at.o1[idx])),
                           ("vC", out & (at.c0[idx] <= i) & (i <= at.c1[idx])), ("vL", near & left),
                           ("vLpos", near & left & positive), ("vLneg", near & left & ~positive),
                           ("vR", near & right), ("vRpos", near & right & positive),
                           ("vRneg", near & right & ~positive)):
            acc[name][idx] += np.where(cond, v, 0.0)
        acc["vD"][idx] += np.where(out, v / (1.0 + 0.25 * d), 0.0)
    sums = {name: values / 4.0 for name, values in acc.items()}
    sums["_s_c"] = acc["vC"]
    return sums


def _relations(tables: FeatureTables, chunk: Chunk, at: _Rows, roles: np.ndarray, prep: np.ndarray,
               prev: np.ndarray, values: dict[str, np.ndarray]) -> np.ndarray:
    """``Settings.relations``: role x clause valence, nearest sentiment word on each side, ``cC``."""
    fixed, nc, val = tables.fixed, chunk.nc, chunk.val
    s_c = values.pop("_s_c")
    sc = np.where(s_c > 0, 0, np.where(s_c < 0, 1, 2))
    out = (roles[:, :, None] * fixed["rc"][np.arange(len(_ROLES)), sc[:, None]]).sum(axis=1)
    rc_prep = np.stack([tables.word["rcprep" + s] for s in _SIGNS])
    out += np.where(prep[:, None], rc_prep[sc, prev], 0)
    none = ~roles.any(axis=1) & ~prep
    out += none[:, None] * fixed["rc"][len(_ROLES), sc]
    lex = val != 0
    crossed = prefix_sums(chunk.mc == tables.codes[_OTHER])
    last = at.at(last_at_or_before(lex), at.t0 - 1, at.t0 >= 1, -1)
    has = last >= at.off
    d = at.g0 - last
    sign = np.where(val[np.maximum(last, 0)] > 0, 0, 1) if len(val) else np.zeros(len(d), dtype=np.int64)
    x = (_span_sum(crossed, np.maximum(last + 1, 0), at.g0) > 0).astype(np.int64)
    out += np.where(has[:, None], fixed["nearL"][sign, _band_index(d), x], fixed["nearL_none"])
    pre = np.stack([tables.word["preL+"], tables.word["preL-"]])
    out += np.where((has & (d <= 3))[:, None], pre[sign, nc[np.maximum(last, 0)] if len(nc) else 0], 0)
    nxt = at.at(first_at_or_after(lex), at.t1 + 1, at.t1 + 1 < at.n, len(val))
    has = nxt < at.off + at.n
    d = nxt - at.g1
    index = np.minimum(nxt, max(len(val) - 1, 0))
    sign = np.where(val[index] > 0, 0, 1) if len(val) else np.zeros(len(d), dtype=np.int64)
    x = (_span_sum(crossed, at.g1 + 1, np.where(has, nxt, at.g1 + 1)) > 0).astype(np.int64)
    out += np.where(has[:, None], fixed["nearR"][sign, _band_index(d), x], fixed["nearR_none"])
    out += np.where((has & (d <= 3))[:, None], fixed["subjR"][sign], 0)
    x4 = 4.0 * s_c
    values["cC"] = x4 / np.sqrt(x4 * x4 + 15)
    return out
