"""The learned target-sentiment model's weights as lookup tables over word codes (for the batched path).

:func:`analysis.sentiment.target_features.target_features` names each feature of a
target (``bL:russia_<t>``, ``role:speaker``, ``s:invasion`` ...); the batched path of
:mod:`analysis.sentiment.target_batch` never builds those names. Instead every word that
occurs in a feature name gets an integer code once per model, and :class:`FeatureTables`
holds the integer weights by family and code: word tables (``t:``, ``p1:``, ``spk:`` ...),
pair tables (``bL:a_b``, ``p2:a_b`` ...; a name with several ``_`` is filed under every
split, so whatever pair of words spells it finds it), the per-token word families as one
matrix, flags of the word lists the rules test (speech verbs, prepositions, quote marks,
clause boundaries, negations), and the rows of the fixed names.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from analysis.sentiment.target_features import (_BOUNDARY, _FAM, _NEGATE, _PATIENT_PREPS, _QUOTES, _SPEECH,
                                                Settings)

_OTHER, _TARGET, _START, _END = "<other>", "<t>", "<s>", "</s>"
_WORD_TABLES = ("t", "p1", "n1", "spk", "prep", "preL+", "preL-", "rcprep+", "rcprep-", "rcprep0")
_PAIR_TABLES = ("bL", "bR", "p2", "n2")
_ROLES = ("initial", "possessive", "speaker", "according", "object_of_verb", "in_quote")
_SIGNS = ("+", "-", "0")
_BAND_NAMES = ("1", "3", "6", "12", "far")
_LEX_BANDS = ((1, 1, "1"), (2, 3, "3"), (4, 6, "6"))


class FeatureTables:
    """A model's integer weights rearranged for lookups by word code (built once per model).

    ``codes`` maps every word that occurs in a feature name (and the special words) to
    a code >= 1; code 0 is any other word, which no feature names. Word tables are
    ``(n_codes, 3)`` weight arrays; pair tables (``bL:a_b`` ...) are sorted ``a * M + b``
    keys with their weights; fixed names (``role:initial`` ...) are single weight rows.
    """

    def __init__(self, index: dict[str, int], q: np.ndarray, settings: Settings):
        self.settings = settings
        self.q = q
        self.index = index
        self.codes: dict[str, int] = {}
        words: dict[str, list[tuple[int, int]]] = {name: [] for name in _WORD_TABLES}
        pairs: dict[str, list[tuple[int, int, int]]] = {name: [] for name in _PAIR_TABLES}
        family: list[tuple[int, int, int]] = []
        for word in (_OTHER, _TARGET, _START, _END, *_SPEECH, *_PATIENT_PREPS, *_QUOTES, *_BOUNDARY, *_NEGATE,
                     "'s", "'", "to", "according", "but"):
            self._code(word)
        for name, j in index.items():
            self._parse(name, j, words, pairs, family)
        n = len(self.codes) + 1
        self.n_codes = n
        self.word = {name: self._word_table(entries, n) for name, entries in words.items()}
        self.pair = {name: self._pair_table(entries, n) for name, entries in pairs.items()}
        self.family_t = self._family_table(family, n)
        self.flags = {name: self._flag(words_of) for name, words_of in (
            ("speech", _SPEECH), ("prep", _PATIENT_PREPS), ("quote", _QUOTES), ("possessive", ("'s", "'")),
            ("boundary", _BOUNDARY), ("negation", _NEGATE), ("but", ("but",)))}
        self.fixed = self._fixed()

    # -- construction ------------------------------------------------------------------
    def _code(self, word: str) -> int:
        return self.codes.setdefault(word, len(self.codes) + 1)

    def _parse(self, name: str, j: int, words: dict, pairs: dict, family: list) -> None:
        """File feature ``name`` (row ``j``) under its table; fixed and numeric names are looked up later."""
        fam, sep, rest = name.partition(":")
        if not sep:
            return
        if fam in _FAM:
            family.append((self._code(rest), _FAM[fam], j))
        elif fam in ("t", "p1", "n1", "spk"):
            words[fam].append((self._code(rest), j))
        elif fam in _PAIR_TABLES:
            for cut in (i for i, char in enumerate(rest) if char == "_"):
                pairs[fam].append((self._code(rest[:cut]), self._code(rest[cut + 1:]), j))
        elif fam == "preL" and rest[:1] in "+-" and rest[1:2] == ":":
            words["preL" + rest[0]].append((self._code(rest[2:]), j))
        elif fam == "role" and rest.startswith("prep_"):
            words["prep"].append((self._code(rest[5:]), j))
        elif fam == "rc" and rest.startswith("prep_"):
            role, _, sign = rest.rpartition(":")
            if sign in _SIGNS:
                words["rcprep" + sign].append((self._code(role[5:]), j))

    def _word_table(self, entries: list[tuple[int, int]], n: int) -> np.ndarray:
        table = np.zeros((n, 3), dtype=np.int64)
        for code, j in entries:
            table[code] = self.q[j]
        return table

    def _pair_table(self, entries: list[tuple[int, int, int]], n: int) -> tuple[np.ndarray, np.ndarray]:
        found = {a * n + b: j for a, b, j in entries}
        keys = np.array(sorted(found), dtype=np.int64)
        weights = self.q[[found[k] for k in keys.tolist()]] if len(keys) else np.zeros((0, 3), dtype=np.int64)
        return keys, weights.astype(np.int64)

    def _family_table(self, entries: list[tuple[int, int, int]], n: int) -> np.ndarray:
        table = np.zeros((n, len(_FAM), 3), dtype=np.int32)
        if entries:
            code, fam, j = (np.array(x, dtype=np.intp) for x in zip(*entries))
            table[code, fam] = self.q[j]
        return np.ascontiguousarray(table.reshape(n, -1).T)  # (families * 3, codes)

    def _flag(self, words: Sequence[str]) -> np.ndarray:
        flag = np.zeros(len(self.codes) + 1, dtype=bool)
        flag[[self.codes[w] for w in words]] = True
        return flag

    def weight(self, name: str) -> np.ndarray:
        """The integer weights of one named feature (zeros for a name the model does not know)."""
        j = self.index.get(name)
        return self.q[j].astype(np.int64) if j is not None else np.zeros(3, dtype=np.int64)

    def _fixed(self) -> dict[str, np.ndarray]:
        """Weight rows of the features with fixed names, stacked where a computed index picks one."""
        w = self.weight
        fixed = {role: w("role:" + role) for role in _ROLES}
        fixed.update({"negated": w("clause:negated"), "but_after": w("but:after"), "but_before": w("but:before"),
                      "n_others": np.stack([w(f"n_others:{k}") for k in range(4)])})
        for side in "LR":
            for sign in "+-":
                for _, _, band in _LEX_BANDS:
                    fixed[f"lex{side}{sign}{band}"] = w(f"lex{side}{sign}{band}")
            # near{side}: [sign (+, -), band, crossed (x)] and none
            fixed["near" + side] = np.stack([np.stack([np.stack([w(f"near{side}:{s}{b}{x}") for x in ("", "x")])
                                                       for b in _BAND_NAMES]) for s in "+-"])
            fixed["near" + side + "_none"] = w(f"near{side}:none")
        fixed["subjR"] = np.stack([w(f"subjR:{s}") for s in "+-"])
        fixed["rc"] = np.stack([np.stack([w(f"rc:{role}:{s}") for s in _SIGNS]) for role in (*_ROLES, "none")])
        return fixed

    # -- lookups -------------------------------------------------------------------------
    def pair_weights(self, table: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Weights ``(len(left), 3)`` of the pair features ``<table>:<left>_<right>`` (zeros where unknown)."""
        keys, weights = self.pair[table]
        wanted = left * self.n_codes + right
        out = np.zeros((len(wanted), 3), dtype=np.int64)
        if len(keys) and len(wanted):
            at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            hit = keys[at] == wanted
            out[hit] = weights[at[hit]]
        return out
