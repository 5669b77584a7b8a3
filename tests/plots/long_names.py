"""A fixture of real-scale names: 20 outlets and 12 actors with long labels, as the plot functions' tables.

Every table has the columns its measure documents (values are made up, seeded), so each
plot function can be drawn on names such as "United States of America", "Vladimir
Vladimirovich Putin" and "New York Times International Edition". ``FIGURES`` maps each
plot function's name to the calls that draw it here; :mod:`test_layout` checks them all.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from analysis.plots import framing, overview, sentiment, terms
from analysis.plots.colours import actor_colours, outlet_colours

OUTLETS = ["New York Times International Edition", "ABC News", "BBC", "The Guardian", "RT", "Fox News",
           "Daily Mirror", "HuffPost", "CNN", "CBS News", "Daily Express", "Al Jazeera English", "Reuters",
           "Associated Press", "The Washington Post", "Frankfurter Allgemeine Zeitung", "Le Monde",
           "South China Morning Post", "The Times of India", "Kyiv Independent"]
ACTORS = {
    "united_states": "United States of America", "putin": "Vladimir Vladimirovich Putin",
    "nato": "North Atlantic Treaty Organization", "zelenskyy": "Volodymyr Oleksandrovych Zelenskyy",
    "eu": "European Union", "uk": "United Kingdom of Great Britain and Northern Ireland", "russia": "Russia",
    "ukraine": "Ukraine", "biden": "Joe Biden", "un": "United Nations Security Council", "china": "China",
    "scholz": "Olaf Scholz",
}
LABELS = dict(ACTORS)
#: Two codebook colours given, the rest assigned.
COLOURS = actor_colours({a: {"putin": "#8c2d04", "biden": "#1f77b4"}.get(a) for a in ACTORS})
OUTLET_COLOURS = outlet_colours(OUTLETS)
#: Weeks from Monday 31 January to Monday 28 March 2022; the corpus runs 2 February to 30 March (partial ends).
PERIODS = list(pd.date_range("2022-01-31", periods=9, freq="7D"))
SPAN = (pd.Timestamp("2022-02-02"), pd.Timestamp("2022-03-30"))
RNG = np.random.default_rng(0)


def _overview() -> pd.DataFrame:
    rows = [(o, p, int(RNG.integers(0, 30)), 1000) for o in OUTLETS for p in PERIODS]
    return pd.DataFrame(rows, columns=["outlet", "period", "articles", "chars"])


def _salience(by: str | None = None) -> pd.DataFrame:
    keys = OUTLETS if by == "outlet" else PERIODS if by == "period" else [None]
    rows = []
    for actor in ACTORS:
        for key in keys:
            mentions = int(RNG.integers(1, 200))
            row = {"actor_id": actor, "mentions": mentions, "articles": mentions // 2, "n_articles": 400,
                   "share_articles": mentions / 400, "share_headline": mentions / 1000, "share_lead": mentions / 800}
            if by:
                row[by] = key
            rows.append(row)
    return pd.DataFrame(rows)


def _freqs() -> pd.DataFrame:
    words = ["ukraine", "russia", "military", "sanctions", "invasion", "president", "troops", "forces",
             "government", "international", "humanitarian", "negotiations"]
    rows = []
    for n, names in ((1, words), (2, [f"{a} {b}" for a, b in zip(words, words[1:])])):
        for rank, term in enumerate(names, start=1):
            rows.append({"term": term, "n": n, "count": 100 - rank, "per_10k": 50.0 - rank, "doc_freq": 30,
                         "rank": rank})
    return pd.DataFrame(rows)


def _by_outlet() -> pd.DataFrame:
    base = _freqs()
    base = base[base["n"] == 1]
    return pd.concat([base.assign(outlet=o, per_10k=base["per_10k"] * RNG.uniform(0.5, 1.5)) for o in OUTLETS],
                     ignore_index=True)


def _context() -> pd.DataFrame:
    base = _freqs()
    base = base[base["n"] == 1]
    return pd.concat([base.assign(actor_id=a) for a in ACTORS], ignore_index=True)


def _keyness(actor: str | None = None) -> pd.DataFrame:
    rows = []
    for a in ([actor] if actor else list(ACTORS)):
        for i, term in enumerate(["internationally-recognised", "self-proclaimed republics", "aggression",
                                  "diplomacy", "ceasefire", "weapons"]):
            for direction in ("target", "reference"):
                rows.append({"actor_id": a, "term": f"{term} {direction[:3]}", "direction": direction,
                             "g2": 30.0 - 3 * i, "log_ratio": (2.0 - i * 0.2) * (1 if direction == "target" else -1)})
    return pd.DataFrame(rows)


def _trends() -> pd.DataFrame:
    rows = [{"date": p, "outlet": o, "term": t, "count": 3, "words": 1000, "per_10k": float(RNG.uniform(0, 40))}
            for t in ("sanctions", "invasion", "negotiations") for o in OUTLETS for p in PERIODS]
    return pd.DataFrame(rows)


def _tone(by: str | None = None) -> pd.DataFrame:
    keys = OUTLETS if by == "outlet" else PERIODS if by == "period" else [None]
    rows = []
    for actor in ACTORS:
        for key in keys:
            mean = float(RNG.uniform(-0.6, 0.4))
            row = {"actor_id": actor, "n_mentions": int(RNG.integers(3, 90)), "mean": mean, "ci_low": mean - 0.1,
                   "ci_high": mean + 0.1, "share_negative": 0.3, "share_neutral": 0.5, "share_positive": 0.2}
            if by:
                row[by] = key
            rows.append(row)
    return pd.DataFrame(rows)


def _difference() -> pd.DataFrame:
    rows = []
    for actor in ACTORS:
        a, b = float(RNG.uniform(-0.5, 0.3)), float(RNG.uniform(-0.5, 0.3))
        rows.append({"actor_id": actor, "outlet_a": OUTLETS[0], "outlet_b": OUTLETS[15], "mean_a": a, "mean_b": b,
                     "difference": a - b, "ci_low": a - b - 0.15, "ci_high": a - b + 0.15, "n_a": 40, "n_b": 25})
    return pd.DataFrame(rows)


def _frames(row: str) -> pd.DataFrame:
    keys = list(ACTORS) if row == "actor_id" else OUTLETS
    frames = ["conflict", "responsibility", "economic_consequences", "human_interest", "morality"]
    return pd.DataFrame([{row: k, "frame": f, "share": float(RNG.uniform(0, 1)), "hits": 3} for k in keys
                         for f in frames])


def _voice() -> pd.DataFrame:
    speakers = [*ACTORS, "[unnamed]", "[named_other]"]
    return pd.DataFrame({"actor": speakers, "quotes": np.arange(len(speakers)) + 3,
                         "quoted_words": 100, "share_quoted_words": np.linspace(0.3, 0.01, len(speakers))})


def _attribution() -> pd.DataFrame:
    speakers = list(ACTORS)
    neutral = np.arange(len(speakers))[::-1] + 5
    marked = np.arange(len(speakers)) % 4
    return pd.DataFrame({"speaker": speakers, "neutral": neutral, "marked": marked, "n": neutral + marked,
                         "marked_share": marked / (neutral + marked)})


def _roles() -> pd.DataFrame:
    agent, patient = np.arange(12)[::-1] * 3, np.arange(12) * 2
    return pd.DataFrame({"actor_id": list(ACTORS), "agent": agent, "patient": patient, "n": agent + patient,
                         "agent_share": agent / (agent + patient)})


#: Plot function name → callables that draw it on the fixture (every public plot function of analysis.plots).
FIGURES: dict[str, list[Callable]] = {
    "plot_articles_over_time": [lambda: overview.plot_articles_over_time(_overview(), colours=OUTLET_COLOURS,
                                                                         span=SPAN)],
    "plot_salience": [lambda: overview.plot_salience(_salience(), colours=COLOURS, labels=LABELS)],
    "plot_salience_heatmap": [lambda: overview.plot_salience_heatmap(_salience("outlet"), labels=LABELS)],
    "plot_salience_trend": [lambda: overview.plot_salience_trend(_salience("period"), colours=COLOURS, labels=LABELS,
                                                                 actors=list(ACTORS)[:8], span=SPAN)],
    "plot_top_terms": [lambda: terms.plot_top_terms(_freqs())],
    "plot_context_terms": [lambda: terms.plot_context_terms(_context(), colours=COLOURS, labels=LABELS,
                                                            actors=list(ACTORS)[:9])],
    "plot_keyness": [lambda: terms.plot_keyness(_keyness("uk"), title="Keyness: " + LABELS["uk"],
                                                target_label=LABELS["uk"], reference_label="rest of corpus")],
    "plot_keyness_panels": [lambda: terms.plot_keyness_panels(_keyness(), colours=COLOURS, labels=LABELS,
                                                              actors=list(ACTORS)[:9])],
    "plot_outlet_comparison": [lambda: terms.plot_outlet_comparison(_by_outlet())],
    "plot_trends": [lambda: terms.plot_trends(_trends(), colours=OUTLET_COLOURS, span=SPAN)],
    "plot_frame_heatmap": [lambda: framing.plot_frame_heatmap(_frames("actor_id"), labels=LABELS),
                           lambda: framing.plot_frame_heatmap(_frames("outlet"), row="outlet")],
    "plot_voice": [lambda: framing.plot_voice(_voice(), labels=LABELS, colours=COLOURS, top_n=14)],
    "plot_attribution": [lambda: framing.plot_attribution(_attribution(), labels=LABELS, top_n=12)],
    "plot_roles": [lambda: framing.plot_roles(_roles(), labels=LABELS, top_n=12)],
    "plot_actor_tone": [lambda: sentiment.plot_actor_tone(_tone(), colours=COLOURS, labels=LABELS, top_n=12)],
    "plot_tone_heatmap": [lambda: sentiment.plot_tone_heatmap(_tone("outlet"), labels=LABELS, top_n=12)],
    "plot_tone_trend": [lambda: sentiment.plot_tone_trend(_tone("period"), colours=COLOURS, labels=LABELS,
                                                          actors=list(ACTORS)[:8], span=SPAN)],
    "plot_outlet_difference": [lambda: sentiment.plot_outlet_difference(_difference(), labels=LABELS,
                                                                        outlet_colours=OUTLET_COLOURS, top_n=12)],
}
