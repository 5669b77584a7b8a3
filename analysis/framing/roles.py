"""Roles: is an actor the agent of an action (doing it) or its patient (acted upon)?

Shallow patterns over the text right around each mention, with a written list of
action verbs (:data:`ACTION_VERBS`, conflict and diplomacy news) and no tagger, so that
every row can be checked by reading its evidence sentence. Speech verbs (the attribution
list) are not actions here: saying is measured as voice (:mod:`analysis.framing.quotes`).

agent
    ``subject``: the mention, optionally followed by a collective noun ("Russian
    *forces*", "U.S. *troops*") and auxiliaries or adverbs ("has already", "will"),
    directly followed by an action verb form ("Russia invaded", "NATO will bar");
    ``subject_ed``: the same with any other word in -ed that is not a participle after a
    copula (a heuristic for verbs missing from the list);
    ``by_passive``: "… was attacked *by* Russia" (a passive participle, then by + mention);
    ``possessive_nominal``: "Russia's invasion", "Moscow's aggression" (action nouns);
    ``demonym_nominal``: "the Russian invasion", "a possible Russian attack".
patient
    ``object``: an action verb directly followed by the mention (optionally after "the"),
    where the mention is not a modifier of a following noun ("invade Ukraine", but not
    "orders US troop deployments"; "reassure NATO allies" counts through the collective
    noun);
    ``passive_subject``: the mention followed by a passive ("Ukraine was invaded");
    ``against``: "sanctions against Russia", "war against Ukraine";
    ``nominal_of``: an action noun + of/on + mention ("invasion of Ukraine", "attack on Kyiv").

Table ``roles``: ``article_id, mention_id, actor_id, sentence_id, role, verb, pattern,
evidence, in_quote`` (``in_quote``: the mention stands inside quotation marks, i.e. the
role is the speaker's account).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Mapping, Sequence

import pandas as pd

from analysis.annotate.columns import typed_frame
from analysis.corpus.codebook import Codebook
from analysis.corpus.mentions import Mention, _trie_regex, speech_verbs
from analysis.framing.quote_marks import quote_mark_spans
from analysis.framing.quotes import article_inputs
from analysis.corpus.text import stopwords

ROLE_COLUMNS = ["article_id", "mention_id", "actor_id", "sentence_id", "role", "verb", "pattern", "evidence",
                "in_quote"]
#: Action verbs: lemma → irregular forms (regular forms -s/-ed/-ing are generated).
ACTION_VERBS: dict[str, tuple[str, ...]] = {
    "attack": (), "invade": (), "bomb": (), "shell": ("shelled", "shelling"), "strike": ("struck", "striking"),
    "kill": (), "wound": (), "capture": (), "seize": (), "occupy": (), "annex": ("annexes",), "sanction": (),
    "punish": ("punishes",), "deploy": (), "send": ("sent",), "mass": ("masses",), "deter": ("deterred", "deterring"),
    "reassure": (), "support": (), "help": (), "aid": (), "arm": (), "supply": (), "provide": (), "fund": (),
    "fight": ("fought",), "defend": (), "protect": (), "target": (), "hit": ("hit", "hitting"), "destroy": (),
    "damage": (), "surround": (), "encircle": (), "besiege": (), "blockade": (), "block": (), "ban": ("banned", "banning"),
    "bar": ("barred", "barring"), "expel": ("expelled", "expelling"), "recognize": (), "recognise": (),
    "withdraw": ("withdrew", "withdrawn"), "advance": (), "launch": ("launches",), "order": (), "approve": (),
    "sign": (), "impose": (), "lift": (), "freeze": ("froze", "frozen", "freezes"), "cut": ("cut", "cutting"),
    "halt": (), "suspend": (), "escalate": (), "mobilize": (), "mobilise": (), "station": (), "reinforce": (),
    "strengthen": (), "weaken": (), "isolate": (), "pressure": (), "force": (), "push": ("pushes",), "invite": (),
    "join": (), "negotiate": (), "host": (), "visit": (), "arrest": (), "detain": (), "jail": (), "release": (),
    "evacuate": (), "enter": (), "cross": ("crosses",), "violate": (), "retaliate": (), "welcome": (), "accept": (),
    "refuse": (), "oppose": (), "back": (), "bolster": (), "cripple": (), "crush": ("crushes",),
    "shoot": ("shot",), "fire": (), "overthrow": ("overthrew", "overthrown"), "topple": (), "liberate": (),
    "rescue": (), "train": (), "equip": ("equipped", "equipping"), "ship": ("shipped", "shipping"),
    "deliver": (), "transfer": ("transferred", "transferring"), "give": ("gave", "given", "giving"), "offer": (),
    "expand": (), "close": (), "shut": ("shut", "shutting"), "hack": (), "disrupt": (), "sabotage": (),
    "assassinate": (), "poison": (), "murder": (), "execute": (), "torture": (), "loot": (), "bombard": (),
    "pound": (), "storm": (), "raid": (), "ambush": (), "defeat": (), "beat": ("beat", "beaten"),
    "repel": ("repelled", "repelling"), "prepare": (), "amass": ("amasses",), "move": (), "build": ("built",),
    "destabilize": (), "threaten": (), "intimidate": (), "blackmail": (), "bully": (),
    "abandon": (), "betray": (), "save": (), "free": (), "confront": (), "counter": (),
    "challenge": (), "provoke": (), "engage": (), "resist": (), "contain": (), "assist": (),
    "finance": (), "buy": ("bought",), "sell": ("sold",), "import": (), "export": (), "boycott": (),
    "condemn": (), "embargo": ("embargoes",), "shoot down": ("shot down",), "take": ("took", "taken", "taking"),
    "lead": ("led",), "control": ("controlled", "controlling"), "rule": (), "govern": (), "elect": (),
}
#: Action nouns: "Russia's invasion", "invasion of Ukraine".
ACTION_NOUNS = frozenset("""
invasion invasions attack attacks aggression assault offensive bombing bombings shelling sanctions annexation
occupation incursion strike strikes blockade war bombardment siege takeover crackdown intervention
""".split())
#: Collective nouns between an actor and its verb ("Russian forces attacked").
COLLECTIVES = frozenset("""
forces troops military army navy soldiers officials government leaders authorities allies jets tanks
warplanes missiles diplomats leadership regime administration
""".split())
_AUX = r"(?:has|have|had|will|would|could|can|may|might|must|should|did|does|do|is|are|was|were|also|already|" \
       r"again|not|never|reportedly|allegedly|now|then|just|still|recently|quickly|has\s+been|have\s+been)"
_GOVERNORS = frozenset({"of", "in", "on", "at", "to", "from", "with", "for", "by", "into", "over", "against", "and",
                        "or", "between"})


@lru_cache(maxsize=1)
def _collective() -> re.Pattern:
    return re.compile(r"\s+(?:" + "|".join(sorted(COLLECTIVES)) + r")\b")


def _previous_words(before: str) -> tuple[str, str]:
    """The word right before a mention (skipping "the") and the one before it ("invasion", "of")."""
    if not before or not before[-1].isspace():
        return "", ""
    words = before.rsplit(None, 3)[-3:]
    if words and words[-1] in ("the", "The"):
        words = words[:-1]
    previous = words[-1] if words else ""
    earlier = words[-2] if len(words) > 1 else ""
    return previous, earlier


_MODIFIER = re.compile(r"(?:'s|’s)|\s+([a-z][\w-]*)")
_BE = r"(?:is|are|was|were|been|being|be|got|gets|get)"
_NOT_ED = frozenset({"red", "bed", "need", "speed", "seed", "feed", "shed", "bred", "hundred", "led", "fed",
                     "indeed", "based", "related", "united", "detailed", "limited", "concerned", "interested",
                     "involved", "expected", "supposed"})


def _regular_forms(lemma: str) -> list[str]:
    if " " in lemma:
        head, rest = lemma.split(" ", 1)
        return [f"{form} {rest}" for form in _regular_forms(head)]
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if re.search(r"[^aeiou]y$", lemma):
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if re.search(r"(?:s|sh|ch|x|z)$", lemma):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


@lru_cache(maxsize=1)
def action_forms() -> dict[str, str]:
    """Inflected action verb → lemma (speech verbs excluded: they are voice, not action)."""
    speech = speech_verbs()
    forms: dict[str, str] = {}
    for lemma, irregular in ACTION_VERBS.items():
        for form in (*_regular_forms(lemma), *irregular):
            if form not in speech:
                forms.setdefault(form, lemma)
    return forms


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    # A trie of the forms: the same matches as an alternation longest first (the forms that match at one place
    # are prefixes of each other, tried longest first either way), without trying 600 alternatives per place.
    verb = "(?:" + _trie_regex(action_forms()) + ")"
    nouns = "(?:" + "|".join(sorted(ACTION_NOUNS)) + ")"
    return {
        # after the mention
        "passive_subject": re.compile(rf"(?:\s+{_AUX})*\s+{_BE}\s+(?:\w+ly\s+)?(?P<verb>\w+ed|{verb})\b"),
        "subject": re.compile(rf"(?:\s+{_AUX})*\s+(?P<verb>{verb})\b"),
        "subject_ed": re.compile(r"(?:\s+(?:has|have|had|also|already|reportedly|allegedly))*"
                                 r"\s+(?P<verb>[a-z]+ed)\b"),
        "possessive_nominal": re.compile(rf"(?:'s|’s)\s+(?:\w+\s+)?(?P<verb>{nouns})\b"),
        "demonym_nominal": re.compile(rf"\s+(?:(?:full-scale|unprovoked|military|continued|ongoing|brutal|planned|"
                                      rf"possible|potential|imminent)\s+)?(?P<verb>{nouns})\b"),
        # before the mention
        "by_passive": re.compile(rf"\b{_BE}\s+(?:\w+ly\s+)?(?P<verb>\w+ed|{verb})\s+(?:\w+\s+){{0,3}}?by\s+(?:the\s+)?$"),
        "object": re.compile(rf"(?<![\w-])(?P<verb>{verb})\s+(?:the\s+)?$"),
        "against": re.compile(r"\b(?P<verb>against)\s+(?:the\s+)?$"),
        "nominal_of": re.compile(rf"\b(?P<verb>{nouns})\s+(?:of|on|against)\s+(?:the\s+)?$"),
    }


def find_roles(doc: str, sentences: Sequence[tuple[int, int, int]], mentions: Sequence[Mention]
               ) -> list[tuple[int, str, str, str, int]]:
    """(mention index, role, verb, pattern, sentence index) for one article's mentions."""
    patterns = _patterns()
    stop, _ = stopwords("written")
    starts = [s for s, _, _ in sentences]
    found = []
    for index, m in enumerate(mentions):
        if m.kind == "pronoun":
            continue
        sid = max(0, bisect_right(starts, m.start) - 1)
        s_start, s_end = (sentences[sid][0], sentences[sid][1]) if sentences else (0, len(doc))
        after = doc[m.end:min(s_end, m.end + 80)]
        before = doc[max(s_start, m.start - 80):m.start]
        previous, earlier = _previous_words(before)
        governed = previous in _GOVERNORS
        collective = _collective().match(after)
        if not governed and (m.kind != "demonym" or collective):
            clause = after[collective.end():] if collective else after
            passive = patterns["passive_subject"].match(clause)
            if passive and (passive.group("verb") in action_forms() or passive.group("verb").endswith("ed")) \
                    and passive.group("verb") not in _NOT_ED:
                found.append((index, "patient", passive.group("verb"), "passive_subject", sid))
            else:
                active = patterns["subject"].match(clause)
                if active:
                    found.append((index, "agent", active.group("verb"), "subject", sid))
                else:
                    guess = patterns["subject_ed"].match(clause)
                    if guess and guess.group("verb") not in _NOT_ED and guess.group("verb") not in speech_verbs():
                        found.append((index, "agent", guess.group("verb"), "subject_ed", sid))
        nominal = patterns["possessive_nominal" if m.kind != "demonym" else "demonym_nominal"].match(after)
        if nominal:
            found.append((index, "agent", nominal.group("verb"),
                          "possessive_nominal" if m.kind != "demonym" else "demonym_nominal", sid))
        if not previous:
            continue
        if previous == "by":
            by = patterns["by_passive"].search(before)
            if by:
                found.append((index, "agent", by.group("verb"), "by_passive", sid))
            continue
        modifier = _MODIFIER.match(after)
        is_modifier = modifier is not None and (modifier.group(1) is None or (
            modifier.group(1) not in stop and modifier.group(1) not in COLLECTIVES
            and modifier.group(1) not in action_forms()))
        if previous in action_forms() and not (is_modifier or m.kind == "demonym"):
            found.append((index, "patient", previous, "object", sid))
        elif previous == "against":
            found.append((index, "patient", "against", "against", sid))
        elif previous in ("of", "on") and earlier in ACTION_NOUNS:
            found.append((index, "patient", earlier, "nominal_of", sid))
    return found


def annotate_roles(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame], codebook: Codebook | None = None,
                   settings: object = None) -> dict[str, pd.DataFrame]:
    """Annotation layer: the ``roles`` table of a batch (needs sentences and mentions)."""
    rows: dict[str, list] = {c: [] for c in ROLE_COLUMNS}
    for article_id, doc, spans, mentions in article_inputs(articles, tables):
        paragraphs: dict[int, list[int]] = {}
        for start, end, paragraph in spans:
            span = paragraphs.setdefault(paragraph, [start, end])
            span[0], span[1] = min(span[0], start), max(span[1], end)
        marks = quote_mark_spans(doc, [tuple(v) for _, v in sorted(paragraphs.items())])
        mark_starts = [a for a, _ in marks]
        for index, role, verb, pattern, sid in find_roles(doc, spans, mentions):
            m = mentions[index]
            q = bisect_right(mark_starts, m.start) - 1
            rows["article_id"].append(article_id)
            rows["mention_id"].append(index)
            rows["actor_id"].append(m.actor_id)
            rows["sentence_id"].append(sid)
            rows["role"].append(role)
            rows["verb"].append(verb)
            rows["pattern"].append(pattern)
            rows["evidence"].append(doc[spans[sid][0]:spans[sid][1]])
            rows["in_quote"].append(bool(q >= 0 and marks[q][0] < m.start < marks[q][1]))
    return {"roles": typed_frame(rows, ints=("mention_id", "sentence_id"), flags=("in_quote",))}


def role_balance(roles: pd.DataFrame, *, by: Sequence[str] = ("actor_id",)) -> pd.DataFrame:
    """Agent and patient counts per group: ``by`` + ``agent, patient, n, agent_share``."""
    by = list(by)
    if roles.empty:
        return pd.DataFrame(columns=by + ["agent", "patient", "n", "agent_share"])
    table = roles.groupby([*by, "role"], dropna=False)["mention_id"].count().unstack("role", fill_value=0)
    for role in ("agent", "patient"):
        if role not in table:
            table[role] = 0
    table = table[["agent", "patient"]].reset_index()
    table.columns.name = None
    table["n"] = table["agent"] + table["patient"]
    table["agent_share"] = (table["agent"] / table["n"]).round(4)
    return table.sort_values(["n"] + by, ascending=[False] + [True] * len(by), kind="stable").reset_index(drop=True)
