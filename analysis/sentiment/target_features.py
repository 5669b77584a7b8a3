"""Features of one target mention, for the learned target-sentiment model.

The default method of :mod:`analysis.sentiment.target` is a small multinomial
logistic regression trained on the NewsMTSC ``train`` split (Hamborg & Donnay
2021) over features of the words that concern the mention:

* the words before and after the target, by side and distance band, the words
  of the target's own clause (split at punctuation and "but", "while",
  "although", ...) and of the region nearer to it than to any other target,
  plus bigrams next to the target;
* VADER lexicon valences (Hutto & Gilbert 2014, with VADER's negation flip)
  summed by side, band, clause and own region, and the whole-sentence compound;
* the target's role: sentence-initial subject, speaker of a speech verb
  ("X said", "according to X"), object of "by"/"against"/"on", inside quotes;
* negation and "but" contrast around the target.

:func:`target_features` is the readable reference: the features of one target
by name, under :class:`Settings` (chosen in training, stored with the model).
The per-sentence work and the target geometry it rests on
(:func:`_sentence_info`, :func:`_locate`, :func:`_intervals` and its vectorised
twin :func:`_interval_arrays`) are shared with the batched fast path
:meth:`analysis.sentiment.target_model.TargetModel.score_many`, which gives the
very same scores; they live here, beside the reference, so the two stay equal.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import add, itemgetter, sub
from typing import NamedTuple, Sequence

import numpy as np

from analysis.sentiment.vader import fast_analyzer

__all__ = ["Settings", "tokenize", "target_features"]

_TOKEN_RE = re.compile(r"\w+(?:['’.\-]\w+)*|[^\w\s]")
_NUM_RE = re.compile(r"^\d[\d.,]*$")
_HAS_DIGIT = re.compile(r"\d")
_TOKEN_WS_RE = re.compile(r"(\s*)(" + _TOKEN_RE.pattern + ")")
_CLAUSE_WORDS = frozenset(
    "but while although though whereas however because since yet unless who which "
    "whom whose where when".split()
)
_CLAUSE_PUNCT = frozenset(list(",;:()[]\"“”—–") + ["--"])
_QUOTES = frozenset('"“”')
_SPEECH = frozenset(
    "said says say saying told tells tell argued argues claimed claims added adds noted "
    "notes wrote writes stated states insisted insists warned warns asserted declared "
    "announced tweeted tweets suggested suggests explained acknowledged admitted contended "
    "responded replied asked urged called vowed pledged promised accused accuses blamed "
    "blames criticized criticizes praised praises denied denies defended defends "
    "attacked attacks slammed blasted lashed thanked welcomed rejected dismissed "
    "maintained countered".split()
)
_PATIENT_PREPS = frozenset("by against on at to of from with about toward towards over".split())
_NEGATE = frozenset(
    "not no never none nobody nothing neither nor without cannot n't cant dont didnt "
    "doesnt isnt wasnt werent wont wouldnt shouldnt couldnt hasnt havent hadnt".split()
)
_BOUNDARY = _CLAUSE_PUNCT | _CLAUSE_WORDS
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_BANDS = ((1, "1"), (3, "3"), (6, "6"), (12, "12"))


@dataclass(frozen=True)
class Settings:
    """Feature settings (chosen on a held-out part of NewsMTSC ``train``)."""

    window: int = 12  # tokens each side that get side/band features
    bigram_window: int = 4  # tokens each side whose bigrams are features
    sentence_words: bool = True  # add a bag of the whole sentence's words
    relations: bool = False  # add target-relation features (role x clause valence, nearest sentiment word, ...)



def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Word and punctuation tokens of ``text`` with their character offsets."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _norm(tok: str) -> str:
    low = tok.lower()
    if "’" in low:
        low = low.replace("’", "'")
    if low[:1].isdigit() and _NUM_RE.match(low):  # isdigit() is a superset of \d: a cheap pre-check
        return "<num>"
    return low


def _band(d: int) -> str:
    for limit, name in _BANDS:
        if d <= limit:
            return name
    return "far"


def _span_tokens(info: "_SentenceInfo", start: int, end: int) -> list[int]:
    """Indices of the tokens that overlap ``start:end``; for an empty or between-token span the nearest token."""
    first = bisect_right(info.ends, start)
    last = bisect_left(info.starts, end) - 1
    if first <= last:
        return list(range(first, last + 1))
    starts = info.starts
    if not starts:
        return []
    i = bisect_left(starts, start)  # nearest start, ties to the earlier token
    if i == len(starts) or (i > 0 and start - starts[i - 1] <= starts[i] - start):
        i -= 1
    return [i]


#: Per-token word-feature families: ``s:`` whole sentence, ``o:`` own region, ``c:`` own clause,
#: ``L:``/``R:`` within ``window`` tokens left/right, ``L1:`` ... ``Rfar:`` by distance band.
_FAMILIES = ("s", "o", "c", "L", "R", "L1", "L3", "L6", "L12", "Lfar", "R1", "R3", "R6", "R12", "Rfar")
_FAM = {name: i for i, name in enumerate(_FAMILIES)}
_BAND_RANGES = ((1, 1, "1"), (2, 3, "3"), (4, 6, "6"), (7, 12, "12"), (13, 10**9, "far"))


class _Target(NamedTuple):
    """One target located in its sentence (token indices inclusive)."""

    info: "_SentenceInfo"
    words: list[str]  # outside [t0, t1]: norms with other targets' tokens as <other>
    t0: int
    t1: int
    c0: int  # own clause
    c1: int
    o0: int  # own region: tokens nearer to this target than to any other (o0 > o1: empty)
    o1: int
    n_others: int
    plain: bool  # ``words`` is the sentence-wide mask (no other target overlaps this one)


def _sentence_mask(info: "_SentenceInfo", span_tok: Sequence[list[int]]) -> list[str]:
    """Norms with every target's tokens as ``<other>``."""
    mask = list(info.norms)
    for idx in span_tok:
        for i in idx:
            mask[i] = "<other>"
    return mask


def _locate(info: "_SentenceInfo", spans: Sequence[tuple[int, int]], j: int,
            span_tok: Sequence[list[int]], mask: list[str]) -> _Target:
    """Target ``spans[j]`` among the other ``spans`` of its sentence.

    ``span_tok`` holds each span's token indices and ``mask`` is
    :func:`_sentence_mask`. Another span that overlaps the target (in
    characters) does not count as another target.
    """
    start, end = spans[j]
    tgt = span_tok[j]
    t0, t1 = tgt[0], tgt[-1]
    centre = (t0 + t1) / 2
    o0, o1 = 0, len(mask) - 1
    n_others = 0
    plain = True
    for k, (os_, oe) in enumerate(spans):
        if k == j:
            continue
        if os_ < end and oe > start:  # overlapping: not another target
            plain = False
            continue
        oidx = span_tok[k]
        if oidx:
            n_others += 1
            # own region: |i - centre| <= |i - p| for every other centre p, an interval
            p = (oidx[0] + oidx[-1]) / 2
            if p > centre:
                o1 = min(o1, math.floor((centre + p) / 2))
            elif p < centre:
                o0 = max(o0, math.ceil((centre + p) / 2))
    words = mask
    if not plain:
        words = list(info.norms)
        for k, (os_, oe) in enumerate(spans):
            if k != j and not (os_ < end and oe > start):
                for i in span_tok[k]:
                    if not (t0 <= i <= t1):
                        words[i] = "<other>"
    bound = info.boundary
    c0 = t0
    while c0 > 0 and not bound[c0 - 1]:
        c0 -= 1
    c1, last = t1, len(bound) - 1
    while c1 < last and not bound[c1 + 1]:
        c1 += 1
    return _Target(info, words, t0, t1, c0, c1, o0, o1, n_others, plain)


def _intervals(tg: _Target, settings: Settings) -> list[tuple[int, int, int]]:
    """(family, first, last) token intervals of the per-token word features (target excluded).

    Always :data:`_N_SLOTS` entries; an empty interval is ``(family, 0, -1)``.
    """
    n = len(tg.words)
    t0, t1, W = tg.t0, tg.t1, settings.window
    out: list[tuple[int, int, int]] = []

    def add(fam: str, a: int, b: int) -> None:
        a, b = max(a, 0), min(b, n - 1)
        out.append((_FAM[fam], a, b) if a <= b else (_FAM[fam], 0, -1))

    if settings.sentence_words:
        add("s", 0, t0 - 1)
        add("s", t1 + 1, n - 1)
    else:
        add("s", 0, -1)
        add("s", 0, -1)
    add("o", tg.o0, min(tg.o1, t0 - 1))
    add("o", max(tg.o0, t1 + 1), tg.o1)
    add("c", tg.c0, t0 - 1)
    add("c", t1 + 1, tg.c1)
    add("L", t0 - W, t0 - 1)
    add("R", t1 + 1, t1 + W)
    for lo, hi, name in _BAND_RANGES:
        hi = min(hi, W)
        add("L" + name, t0 - hi, t0 - lo)
        add("R" + name, t1 + lo, t1 + hi)
    return out


def _interval_arrays(geo: np.ndarray, plain: np.ndarray, settings: Settings
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_intervals` for many targets at once, as (family, first, end-exclusive) index arrays.

    ``geo`` rows are (offset, n, t0, t1, c0, c1, o0, o1) with ``offset`` the
    sentence's position in a concatenated token array; rows that are not
    ``plain`` get empty intervals (their word features are counted by name).
    """
    off, n, t0, t1, c0, c1, o0, o1 = geo.T
    W = settings.window
    fams, los, his = [], [], []

    def add(fam: str, a: np.ndarray, b: np.ndarray) -> None:
        a, b = np.maximum(a, 0), np.minimum(b, n - 1)
        empty = (a > b) | ~plain
        fams.append(np.full(len(geo), _FAM[fam]))
        los.append(np.where(empty, 0, off + a))
        his.append(np.where(empty, 0, off + b + 1))

    none = np.full(len(geo), -1)
    if settings.sentence_words:
        add("s", np.zeros_like(t0), t0 - 1)
        add("s", t1 + 1, n - 1)
    else:
        add("s", none + 1, none)
        add("s", none + 1, none)
    add("o", o0, np.minimum(o1, t0 - 1))
    add("o", np.maximum(o0, t1 + 1), o1)
    add("c", c0, t0 - 1)
    add("c", t1 + 1, c1)
    add("L", t0 - W, t0 - 1)
    add("R", t1 + 1, t1 + W)
    for lo, hi, name in _BAND_RANGES:
        hi = min(hi, W)
        add("L" + name, t0 - hi, t0 - lo)
        add("R" + name, t1 + lo, t1 + hi)
    return np.stack(fams, axis=1), np.stack(los, axis=1), np.stack(his, axis=1)


def _expand(tg: _Target, settings: Settings) -> list[str]:
    """The per-token word features of :func:`_intervals` as names (``"L3:attack"``)."""
    words = tg.words
    return [f"{_FAMILIES[f]}:{words[i]}" for f, a, b in _intervals(tg, settings) for i in range(a, b + 1)]


def _residual(tg: _Target, settings: Settings) -> tuple[list[str], dict[str, float]]:
    """Every feature except the per-token word families: valences, bigrams, target words, role."""
    info = tg.info
    norms, words = info.norms, tg.words
    n = len(norms)
    t0, t1, c0, c1, o0, o1 = tg.t0, tg.t1, tg.c0, tg.c1, tg.o0, tg.o1
    val = info.valences  # the target's own tokens are skipped below: its name says nothing about it
    feats = ["bias"]
    W = settings.window
    s_l = s_r = s_c = s_o = s_s = s_lpos = s_lneg = s_rpos = s_rneg = s_d = 0.0
    for i in info.lex_index:
        if i < t0:
            d = t0 - i
            left = True
        elif i > t1:
            d = i - t1
            left = False
        else:
            continue
        v = val[i]
        s_s += v
        if o0 <= i <= o1:
            s_o += v
        if c0 <= i <= c1:
            s_c += v
        if d <= W:
            if left:
                s_l += v
                if v > 0:
                    s_lpos += v
                else:
                    s_lneg += v
            else:
                s_r += v
                if v > 0:
                    s_rpos += v
                else:
                    s_rneg += v
        s_d += v / (1.0 + 0.25 * d)
        if d <= 6:
            feats.append(f"lex{'L' if left else 'R'}{'+' if v > 0 else '-'}{_band(d)}")
    num = {"vL": s_l / 4.0, "vR": s_r / 4.0, "vC": s_c / 4.0, "vO": s_o / 4.0, "vS": s_s / 4.0,
           "vLpos": s_lpos / 4.0, "vLneg": s_lneg / 4.0, "vRpos": s_rpos / 4.0, "vRneg": s_rneg / 4.0,
           "vD": s_d / 4.0}
    # bigrams next to the target (the target's own tokens read <t>)
    B = settings.bigram_window
    lo, hi = max(0, t0 - B - 1), min(n - 1, t1 + B + 1)
    near = ["<t>" if t0 <= i <= t1 else words[i] for i in range(lo, hi + 1)]
    for a in range(lo, hi):
        if t0 <= a < t1:
            continue
        feats.append(f"b{'L' if a < t0 else 'R'}:{near[a - lo]}_{near[a - lo + 1]}")
    # target's own words and immediate neighbours
    for i in range(t0, t1 + 1):
        feats.append("t:" + norms[i])
    prev = norms[t0 - 1] if t0 > 0 else "<s>"
    nxt = norms[t1 + 1] if t1 + 1 < n else "</s>"
    prev2 = norms[t0 - 2] if t0 > 1 else "<s>"
    nxt2 = norms[t1 + 2] if t1 + 2 < n else "</s>"
    feats += ["p1:" + prev, "n1:" + nxt, f"p2:{prev2}_{prev}", f"n2:{nxt}_{nxt2}"]
    # role
    if t0 == 0 or (t0 <= 3 and info.lead_caps >= t0):
        feats.append("role:initial")
    if nxt == "'s" or nxt == "'":
        feats.append("role:possessive")
    for w in norms[t1 + 1 : t1 + 4]:
        if w in _SPEECH:
            feats += ["role:speaker", "spk:" + w]
            break
    if prev == "to" and prev2 == "according":
        feats.append("role:according")
    if prev in _PATIENT_PREPS:
        feats.append("role:prep_" + prev)
    for w in norms[max(0, t0 - 3) : t0]:
        if w in _SPEECH:
            feats.append("role:object_of_verb")
            break
    before_t = norms[:t0]
    if (before_t.count('"') + before_t.count("“") + before_t.count("”")) % 2 == 1:
        feats.append("role:in_quote")
    if True in info.negated[c0 : c1 + 1]:
        feats.append("clause:negated")
    if info.but_index >= 0:
        feats.append("but:after" if info.but_index < t0 else "but:before")
    feats.append("n_others:" + str(min(tg.n_others, 3)))
    if settings.relations:
        _relation_features(tg, feats, num, s_c, prev, nxt)
    comp = info.compound
    num["compound"] = comp
    num["compound_pos"] = max(comp, 0.0)
    num["compound_neg"] = min(comp, 0.0)
    num["rel_pos"] = t0 / max(n - 1, 1)
    return feats, num


def _sign(v: float) -> str:
    return "+" if v > 0 else "-" if v < 0 else "0"


def _relation_features(tg: _Target, feats: list[str], num: dict[str, float], s_c: float, prev: str,
                       nxt: str) -> None:
    """How the target relates to the sentiment words around it (``Settings.relations``).

    * role x valence of its own clause (``rc:speaker:-``: the target speaks in a negative clause);
    * the nearest sentiment word on each side: its sign, distance band, and whether another
      target stands between (then the word more likely concerns that one);
    * the first sentiment word right after the target within 3 tokens (target as subject of an
      evaluative verb: "X condemned", "X praised") and right before it ("praised X");
    * the target's clause scored like VADER's compound (``cC``).
    """
    info, words = tg.info, tg.words
    t0, t1 = tg.t0, tg.t1
    val = info.valences
    sc = _sign(s_c)
    roles = [f for f in feats if f.startswith("role:")] or ["role:none"]
    for r in roles:
        feats.append(f"rc:{r[5:]}:{sc}")
    left = [i for i in info.lex_index if i < t0]
    right = [i for i in info.lex_index if i > t1]
    if left:
        i = left[-1]
        between = "<other>" in words[i + 1 : t0]
        feats.append(f"nearL:{_sign(val[i])}{_band(t0 - i)}{'x' if between else ''}")
        if t0 - i <= 3:
            feats.append(f"preL:{_sign(val[i])}:{info.norms[i]}")
    else:
        feats.append("nearL:none")
    if right:
        i = right[0]
        between = "<other>" in words[t1 + 1 : i]
        feats.append(f"nearR:{_sign(val[i])}{_band(i - t1)}{'x' if between else ''}")
        if i - t1 <= 3:
            feats.append(f"subjR:{_sign(val[i])}")
    else:
        feats.append("nearR:none")
    x = 4.0 * s_c
    num["cC"] = x / math.sqrt(x * x + 15)


def target_features(
    sentence: str,
    start: int,
    end: int,
    *,
    others: Sequence[tuple[int, int]] = (),
    settings: Settings = Settings(),
) -> tuple[list[str], dict[str, float]]:
    """Sparse features of one target: feature names (repeats count) and numeric features.

    ``start``/``end`` are character offsets of the mention in ``sentence``;
    ``others`` are offsets of other targets in the same sentence (their words
    are masked as ``<other>`` and they bound the target's own region). This is
    the readable reference; :meth:`TargetModel.score_sentence` computes the
    same scores for all targets of a sentence at once without building names.
    """
    info = _sentence_info(sentence)
    if not info.tokens:
        return ["bias"], {}
    spans = [(start, end), *others]
    span_tok = [_span_tokens(info, a, b) for a, b in spans]
    tg = _locate(info, spans, 0, span_tok, _sentence_mask(info, span_tok))
    feats, num = _residual(tg, settings)
    return feats + _expand(tg, settings), num


class _SentenceInfo(NamedTuple):
    """Per-sentence work shared by all its targets."""

    tokens: list[str]
    starts: list[int]  # character offsets of the tokens
    ends: list[int]
    norms: list[str]
    valences: list[float]  # VADER lexicon valence, flipped (x -0.74) after a negation within 3 tokens
    boundary: list[bool]  # clause boundary (punctuation, "but", "while", "who", ...)
    negated: list[bool]  # negation word
    compound: float
    lex_index: list[int]  # tokens with a valence
    but_index: int  # first "but", -1 if none
    lead_caps: int  # number of leading tokens that are capitalised words


@lru_cache(maxsize=4096)
def _sentence_info(sentence: str) -> _SentenceInfo:
    """Per-sentence work shared by all its targets (cached); list operations, few Python loops."""
    pairs = _TOKEN_WS_RE.findall(sentence)  # (leading whitespace, token): same tokens as tokenize()
    tokens = list(map(_SECOND, pairs))
    lengths = list(map(len, tokens))
    ends = list(accumulate(map(add, map(len, map(_FIRST, pairs)), lengths)))
    starts = list(map(sub, ends, lengths))
    norms = list(map(str.lower, tokens))  # _norm, list-wise
    if "’" in sentence:
        norms = [w.replace("’", "'") for w in norms]
    if _HAS_DIGIT.search(sentence):
        norms = ["<num>" if w[:1].isdigit() and _NUM_RE.match(w) else w for w in norms]
    n = len(norms)
    boundary = list(map(_BOUNDARY.__contains__, norms))
    negated = list(map(_NEGATE.__contains__, norms))
    if "'t" in sentence or "’t" in sentence or "'T" in sentence or "’T" in sentence:
        negated = [g or w.endswith("n't") for g, w in zip(negated, norms)]
    lex = fast_analyzer().lexicon
    val = list(map(lex.get, norms, repeat(0.0)))
    lex_index = list(compress(range(n), val))
    if True in negated:
        for i in lex_index:
            if True in negated[max(0, i - 3) : i]:
                val[i] *= -0.74
    lead = 0
    while lead < n and norms[lead][0].isalpha() and tokens[lead][:1].isupper():
        lead += 1
    return _SentenceInfo(tokens, starts, ends, norms, val, boundary, negated,
                         fast_analyzer().scores(sentence).compound, lex_index,
                         norms.index("but") if "but" in norms else -1, lead)
