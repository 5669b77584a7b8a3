"""Target-dependent sentiment: how a sentence treats one mentioned actor.

A sentence can treat two actors differently: in "Putin blamed the escalating
tensions on the U.S." Putin is the one who blames and the U.S. the one blamed.
Whole-sentence VADER (Hutto & Gilbert 2014) gives both the same score. The
default method here is a small multinomial logistic regression trained on the
NewsMTSC ``train`` split (Hamborg & Donnay 2021) over features of the words
that concern the mention:

* the words before and after the target, by side and distance band, the words
  of the target's own clause (split at punctuation and "but", "while",
  "although", ...) and of the region nearer to it than to any other target,
  plus bigrams next to the target;
* VADER lexicon valences (with VADER's negation flip) summed by side, band,
  clause and own region, and the whole-sentence compound;
* the target's role: sentence-initial subject, speaker of a speech verb
  ("X said", "according to X"), object of "by"/"against"/"on", inside quotes;
* negation and "but" contrast around the target.

Other methods: ``"vader_sentence"`` (whole-sentence compound, cut at
+-0.05) and ``"vader_window"`` (lexicon valences weighted by distance to the
target within its clause; no learning). The model file
``resources/target_sentiment_model.json`` records its provenance (data file
and sha256, script, settings, held-out scores); it is written by
``python -m analysis.train_sentiment``.
"""

from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal, NamedTuple, Sequence

import numpy as np

from analysis.vader import fast_analyzer

__all__ = [
    "LABELS",
    "METHODS",
    "TargetScore",
    "TargetModel",
    "Settings",
    "tokenize",
    "target_features",
    "load_model",
    "target_sentiment",
    "label_from_score",
]

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
Method = Literal["default", "learned", "vader_sentence", "vader_window"]
METHODS: tuple[str, ...] = ("learned", "vader_sentence", "vader_window")
MODEL_PATH = Path(__file__).resolve().parent / "resources" / "target_sentiment_model.json"
THRESHOLD = 0.05  # VADER's neutral band for compound scores (Hutto & Gilbert 2014)

_TOKEN_RE = re.compile(r"\w+(?:['’.\-]\w+)*|[^\w\s]")
_NUM_RE = re.compile(r"^\d[\d.,]*$")
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
_BANDS = ((1, "1"), (3, "3"), (6, "6"), (12, "12"))


@dataclass(frozen=True)
class Settings:
    """Feature settings (chosen on a held-out part of NewsMTSC ``train``)."""

    window: int = 12  # tokens each side that get side/band features
    bigram_window: int = 4  # tokens each side whose bigrams are features
    sentence_words: bool = True  # add a bag of the whole sentence's words


@dataclass(frozen=True)
class TargetScore:
    """Sentiment toward one target mention.

    ``score`` is in [-1, 1] (``p_positive - p_negative`` for the learned model,
    a VADER compound for the lexicon methods); ``label`` is one of
    :data:`LABELS`; the probabilities are ``nan`` when a method has none.
    """

    score: float
    label: str
    p_negative: float = math.nan
    p_neutral: float = math.nan
    p_positive: float = math.nan
    method: str = "learned"


def label_from_score(score: float, *, threshold: float = THRESHOLD) -> str:
    """VADER's three-way cut of a compound-like score at +-``threshold``."""
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Word and punctuation tokens of ``text`` with their character offsets."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _norm(tok: str) -> str:
    low = tok.lower().replace("’", "'")
    if _NUM_RE.match(low):
        return "<num>"
    return low


def _band(d: int) -> str:
    for limit, name in _BANDS:
        if d <= limit:
            return name
    return "far"


def _lex_valences(norms: list[str]) -> list[float]:
    """VADER lexicon valence per token, flipped (x -0.74) after a negation within 3 tokens."""
    lex = fast_analyzer().lexicon
    out = []
    for i, w in enumerate(norms):
        v = lex.get(w, 0.0)
        if v:
            for j in range(max(0, i - 3), i):
                if norms[j] in _NEGATE or norms[j].endswith("n't"):
                    v *= -0.74
                    break
        out.append(v)
    return out


def _span_tokens(tokens: list[tuple[str, int, int]], start: int, end: int) -> list[int]:
    idx = [i for i, (_, s, e) in enumerate(tokens) if s < end and e > start]
    if not idx:  # an empty or between-token span: take the nearest token
        idx = [min(range(len(tokens)), key=lambda i: abs(tokens[i][1] - start))] if tokens else []
    return idx


def target_features(
    sentence: str,
    start: int,
    end: int,
    *,
    others: Sequence[tuple[int, int]] = (),
    settings: Settings = Settings(),
) -> tuple[list[str], dict[str, float]]:
    """Sparse features of one target: binary feature names and numeric features.

    ``start``/``end`` are character offsets of the mention in ``sentence``;
    ``others`` are offsets of other targets in the same sentence (their words
    are masked as ``<other>`` and they bound the target's own region).
    """
    feats, num, _ = _features(sentence, start, end, others, settings, True)
    return feats, num


class _Layout(NamedTuple):
    """Where a target's context families start and end (token indices, inclusive)."""

    n: int
    t0: int
    t1: int
    c0: int
    c1: int
    o0: int
    o1: int
    other_tokens: list[int]


def _features(sentence: str, start: int, end: int, others: Sequence[tuple[int, int]], settings: Settings,
              word_features: bool) -> tuple[list[str], dict[str, float], _Layout | None]:
    """Features of :func:`target_features`; without ``word_features`` the per-token context-word
    features (``s: o: c: L: R: L<band>: R<band>:``) are left out and their layout returned instead."""
    info = _sentence_info(sentence)
    tokens, norms = info.tokens, info.norms
    if not tokens:
        return ["bias"], {}, None
    n = len(tokens)
    tgt = _span_tokens(tokens, start, end)
    t0, t1 = tgt[0], tgt[-1]
    other_pos: list[float] = []
    other_tokens: list[int] = []
    words = list(norms)
    for os_, oe in others:
        if os_ < end and oe > start:  # overlapping: not another target
            continue
        oidx = _span_tokens(tokens, os_, oe)
        for i in oidx:
            if not (t0 <= i <= t1) and words[i] != "<other>":
                words[i] = "<other>"
                other_tokens.append(i)
        if oidx:
            other_pos.append((oidx[0] + oidx[-1]) / 2)
    for i in range(t0, t1 + 1):
        words[i] = "<t>"
    val = info.valences  # the target's own tokens are skipped below: its name says nothing about it
    # clause bounds
    bound = info.boundary
    c0 = t0
    while c0 > 0 and not bound[c0 - 1]:
        c0 -= 1
    c1 = t1
    while c1 < n - 1 and not bound[c1 + 1]:
        c1 += 1
    # own region: tokens nearer to this target than to any other target
    centre = (t0 + t1) / 2
    if other_pos:
        mine_flags = [all(abs(i - centre) <= abs(i - p) for p in other_pos) for i in range(n)]
    else:
        mine_flags = [True] * n

    feats = ["bias"]
    num: dict[str, float] = {}
    W = settings.window
    sums = {k: 0.0 for k in ("L", "R", "C", "O", "S", "Lpos", "Lneg", "Rpos", "Rneg", "D")}
    if word_features:
        for i in range(n):
            if t0 <= i <= t1:
                continue
            w = words[i]
            d = t0 - i if i < t0 else i - t1
            if settings.sentence_words:
                feats.append("s:" + w)
            if mine_flags[i]:
                feats.append("o:" + w)
            if c0 <= i <= c1:
                feats.append("c:" + w)
            if d <= W:
                side = "L" if i < t0 else "R"
                feats.append(f"{side}:{w}")
                feats.append(f"{side}{_band(d)}:{w}")
    for i in info.lex_index:
        if t0 <= i <= t1:
            continue
        side = "L" if i < t0 else "R"
        d = t0 - i if i < t0 else i - t1
        v = val[i]
        mine = mine_flags[i]
        sums["S"] += v
        if mine:
            sums["O"] += v
        if c0 <= i <= c1:
            sums["C"] += v
        if d <= W:
            sums[side] += v
            sums[side + ("pos" if v > 0 else "neg")] += v
        sums["D"] += v / (1.0 + 0.25 * d)
        if d <= 6:
            feats.append(f"lex{side}{'+' if v > 0 else '-'}{_band(d)}")
    for k, v in sums.items():
        num["v" + k] = v / 4.0
    # bigrams next to the target
    B = settings.bigram_window
    for a in range(max(0, t0 - B - 1), min(n - 1, t1 + B + 1)):
        b = a + 1
        if t0 <= a <= t1 and t0 <= b <= t1:
            continue
        side = "L" if a < t0 else "R"
        feats.append(f"b{side}:{words[a]}_{words[b]}")
    # target's own words and immediate neighbours
    for i in range(t0, t1 + 1):
        feats.append("t:" + norms[i])
    prev = norms[t0 - 1] if t0 > 0 else "<s>"
    nxt = norms[t1 + 1] if t1 + 1 < n else "</s>"
    prev2 = norms[t0 - 2] if t0 > 1 else "<s>"
    feats += ["p1:" + prev, "n1:" + nxt, f"p2:{prev2}_{prev}"]
    nxt2 = norms[t1 + 2] if t1 + 2 < n else "</s>"
    feats.append(f"n2:{nxt}_{nxt2}")
    # role
    if t0 == 0 or (t0 <= 3 and all(norms[i][0].isalpha() and tokens[i][0][:1].isupper() for i in range(t0))):
        feats.append("role:initial")
    after = norms[t1 + 1 : t1 + 4]
    if "'s" in after[:1] or nxt == "'":
        feats.append("role:possessive")
    if any(w in _SPEECH for w in after):
        feats.append("role:speaker")
        for w in after:
            if w in _SPEECH:
                feats.append("spk:" + w)
                break
    if prev == "to" and prev2 == "according":
        feats.append("role:according")
    if prev in _PATIENT_PREPS:
        feats.append("role:prep_" + prev)
    before = norms[max(0, t0 - 3) : t0]
    if any(w in _SPEECH for w in before):
        feats.append("role:object_of_verb")
    n_quotes_before = sum(1 for i in range(t0) if norms[i] in _QUOTES)
    if n_quotes_before % 2 == 1:
        feats.append("role:in_quote")
    if any(w in _NEGATE or w.endswith("n't") for w in norms[c0 : c1 + 1]):
        feats.append("clause:negated")
    if "but" in norms:
        bi = norms.index("but")
        feats.append("but:after" if bi < t0 else "but:before")
    feats.append("n_others:" + str(min(len(other_pos), 3)))
    comp = info.compound
    num["compound"] = comp
    num["compound_pos"] = max(comp, 0.0)
    num["compound_neg"] = min(comp, 0.0)
    num["rel_pos"] = t0 / max(n - 1, 1)
    if word_features:
        return feats, num, None
    o0 = mine_flags.index(True)
    o1 = n - 1 - mine_flags[::-1].index(True)
    return feats, num, _Layout(n, t0, t1, c0, c1, o0, o1, other_tokens)


class _SentenceInfo(NamedTuple):
    tokens: list[tuple[str, int, int]]
    norms: list[str]
    valences: list[float]
    boundary: list[bool]
    compound: float
    lex_index: list[int]


@lru_cache(maxsize=4096)
def _sentence_info(sentence: str) -> _SentenceInfo:
    """Per-sentence work shared by all its targets (cached)."""
    tokens = tokenize(sentence)
    norms = [_norm(t) for t, _, _ in tokens]
    boundary = [w in _CLAUSE_PUNCT or w in _CLAUSE_WORDS for w in norms]
    val = _lex_valences(norms)
    return _SentenceInfo(tokens, norms, val, boundary, fast_analyzer().scores(sentence).compound,
                         [i for i, v in enumerate(val) if v])


@dataclass
class TargetModel:
    """A multinomial logistic regression over named sparse features.

    ``weights[k]`` holds one weight per class (order :data:`LABELS`) for the
    feature at ``index[name] == k``.
    """

    index: dict[str, int]
    weights: np.ndarray  # (n_features, 3)
    bias: np.ndarray  # (3,)
    settings: Settings = field(default_factory=Settings)
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._num_names = sorted(k for k in self.index if k.startswith("#"))
        self._num_w = (self.weights[[self.index[k] for k in self._num_names]]
                       if self._num_names else np.zeros((0, 3)))

    def logits(self, feats: list[str], num: dict[str, float]) -> np.ndarray:
        """Class scores (log-odds up to a constant) of one feature set."""
        get = self.index.get
        rows = [j for j in map(get, feats) if j is not None]
        z = self.bias + self.weights[rows].sum(axis=0)
        if self._num_names:
            z = z + np.array([num.get(k[1:], 0.0) for k in self._num_names]) @ self._num_w
        return z

    def predict_proba(self, feats: list[str], num: dict[str, float]) -> np.ndarray:
        """Class probabilities (negative, neutral, positive)."""
        z = self.logits(feats, num)
        z = np.exp(z - z.max())
        return z / z.sum()

    # -- (de)serialisation: int8-quantised weights, base64, per-class scale --
    def to_json(self) -> dict:
        scale = np.abs(self.weights).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        q = np.clip(np.round(self.weights / scale), -127, 127).astype(np.int8)
        names = sorted(self.index, key=self.index.get)
        return {
            "format": "analysis.target_sentiment/1",
            "labels": list(LABELS),
            "settings": self.settings.__dict__,
            "meta": self.meta,
            "bias": [float(b) for b in self.bias],
            "scale": [float(s) for s in scale],
            "features": names,
            "weights_int8_b64": base64.b64encode(q.tobytes()).decode("ascii"),
        }

    @classmethod
    def from_json(cls, obj: dict) -> "TargetModel":
        names = obj["features"]
        q = np.frombuffer(base64.b64decode(obj["weights_int8_b64"]), dtype=np.int8)
        w = q.reshape(len(names), 3).astype(np.float64) * np.asarray(obj["scale"])
        return cls(
            index={n: i for i, n in enumerate(names)},
            weights=w,
            bias=np.asarray(obj["bias"], dtype=np.float64),
            settings=Settings(**obj.get("settings", {})),
            meta=obj.get("meta", {}),
        )


@lru_cache(maxsize=4)
def load_model(path: str | Path = MODEL_PATH) -> TargetModel:
    """Load (and cache) a trained model file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: target-sentiment model not found; train it with "
            "'python -m analysis.train_sentiment --train ../shared/data/newsmtsc/train.jsonl "
            "--out analysis/resources/target_sentiment_model.json'"
        )
    with path.open(encoding="utf-8") as fh:
        return TargetModel.from_json(json.load(fh))


def _vader_window(sentence: str, start: int, end: int, others: Sequence[tuple[int, int]]) -> float:
    """Lexicon valences of the target's clause/own region, weighted by 1/(1+d/4), normalised like VADER."""
    feats, num = target_features(sentence, start, end, others=others, settings=Settings(sentence_words=False))
    s = 4.0 * (0.5 * num["vC"] + 0.5 * num["vO"])
    return s / math.sqrt(s * s + 15)


def target_sentiment(
    sentence: str,
    start: int,
    end: int,
    *,
    others: Sequence[tuple[int, int]] = (),
    method: Method = "default",
) -> TargetScore:
    """Sentiment toward the mention ``sentence[start:end]``.

    ``others`` gives the offsets of other targets in the sentence (they help
    the learned model tell apart what concerns which actor). ``method``:
    ``"default"``/``"learned"`` (logistic regression trained on NewsMTSC),
    ``"vader_sentence"`` (whole-sentence VADER compound) or ``"vader_window"``.
    """
    if not (0 <= start <= end <= len(sentence)):
        raise ValueError(f"mention offsets {start}:{end} outside the sentence (length {len(sentence)})")
    if method in ("default", "learned"):
        model = load_model()
        feats, num = target_features(sentence, start, end, others=others, settings=model.settings)
        p = model.predict_proba(feats, num)
        return TargetScore(
            score=float(p[2] - p[0]),
            label=LABELS[int(np.argmax(p))],
            p_negative=float(p[0]),
            p_neutral=float(p[1]),
            p_positive=float(p[2]),
            method="learned",
        )
    if method == "vader_sentence":
        c = fast_analyzer().scores(sentence).compound
        return TargetScore(score=c, label=label_from_score(c), method=method)
    if method == "vader_window":
        c = _vader_window(sentence, start, end, others)
        return TargetScore(score=c, label=label_from_score(c), method=method)
    raise ValueError(f"unknown method {method!r}: expected one of {('default',) + METHODS}")


def iter_targets(sentence: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Each span with the list of the other spans of the same sentence."""
    spans = list(spans)
    return [(s, e, spans[:i] + spans[i + 1 :]) for i, (s, e) in enumerate(spans)]
