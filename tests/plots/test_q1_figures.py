"""Every plot function on real data at scale: Q1 articles relabelled into 20 outlets, a 40-actor codebook.

The corpus and codebook are written into the test's temporary folder only (the texts are
never part of the repository) and the test skips when ``../shared`` is absent. Tables are
computed as the notebooks compute them; each figure must keep every text inside (nothing
clipped) and give its outlets and actors clearly distinct colours.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from figure_checks import colour_problems, texts_outside
from long_names import OUTLETS

from analysis.paths import SEEDS
from conftest import require_shared

pytestmark = [pytest.mark.slow, pytest.mark.shared]

N_ARTICLES = 600
#: Ten actors more than the seed codebook's thirty, none with a colour.
EXTRA_ACTORS = [
    ("finland", "Finland", "country", ["Finland"]), ("sweden", "Sweden", "country", ["Sweden"]),
    ("moldova", "Moldova", "country", ["Moldova"]), ("turkey", "Turkey", "country", ["Turkey"]),
    ("lukashenko", "Alexander Grigoryevich Lukashenko", "person", ["Alexander Lukashenko", "Lukashenko"]),
    ("xi", "Xi Jinping", "person", ["Xi Jinping"]), ("shoigu", "Sergei Shoigu", "person", ["Sergei Shoigu", "Shoigu"]),
    ("klitschko", "Vitali Klitschko", "person", ["Vitali Klitschko", "Klitschko"]),
    ("erdogan", "Recep Tayyip Erdogan", "person", ["Recep Tayyip Erdogan", "Erdogan"]),
    ("kadyrov", "Ramzan Kadyrov", "person", ["Ramzan Kadyrov", "Kadyrov"]),
]
LONG_LABELS = {"united_states": "United States of America", "putin": "Vladimir Vladimirovich Putin",
               "nato": "North Atlantic Treaty Organization",
               "united_kingdom": "United Kingdom of Great Britain and Northern Ireland"}


def write_fixture(folder) -> tuple:
    """The corpus (CSV, outlets relabelled round-robin into the 20 long names) and the 40-actor codebook."""
    source = require_shared("data", "ukraine_media_2022q1", "articles.csv")
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    sample = frame.sample(n=N_ARTICLES, random_state=0).sort_values(["date", "doc_id"])
    sample = sample.assign(outlet=[OUTLETS[i % len(OUTLETS)] for i in range(len(sample))])
    corpus = folder / "twenty-outlets.csv"
    sample[["doc_id", "date", "outlet", "title", "url", "text"]].to_csv(corpus, index=False)
    book = yaml.safe_load((SEEDS / "actors.yaml").read_text(encoding="utf-8"))
    for actor in book["actors"]:
        actor["label"] = LONG_LABELS.get(actor["id"], actor["label"])
        if actor["id"] not in ("putin", "biden"):  # two codebook colours kept, 38 to assign
            actor.pop("colour", None)
    book["actors"] += [{"id": i, "label": label, "type": kind, "aliases": aliases}
                       for i, label, kind, aliases in EXTRA_ACTORS]
    assert len(book["actors"]) == 40
    codebook = folder / "forty-actors.yaml"
    codebook.write_text(yaml.safe_dump(book, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return corpus, codebook


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """Plot function name → figures drawn from the fixture, as the notebooks draw them."""
    from analysis.annotate.workspace import open_workspace
    from analysis.plots.colours import actor_colours, outlet_colours
    from analysis.plots.periods import date_span

    corpus, codebook = write_fixture(tmp_path_factory.mktemp("q1-twenty"))
    ws = open_workspace(corpus=corpus, codebook=codebook)
    context = {"ws": ws, "colours": actor_colours(ws.codebook.colours()), "labels": ws.codebook.labels(),
               "outlets": outlet_colours(ws.articles["outlet"]), "span": date_span(ws.articles),
               "top": ws.most_mentioned(15)}
    drawn = {}
    for draw in (_overview, _terms, _framing, _sentiment):
        drawn.update(draw(**context))
    return drawn


def _overview(ws, colours, labels, outlets, span, top):
    from analysis.framing.salience import actor_salience, corpus_overview
    from analysis.plots import overview as plots

    mentions, sentences, articles = ws.table("mentions"), ws.table("sentences"), ws.articles
    salience = actor_salience(mentions, sentences, articles, actors=ws.codebook.ids)
    return {
        "plot_articles_over_time": [plots.plot_articles_over_time(corpus_overview(articles, freq="W"), colours=outlets,
                                                                  freq="W", span=span),
                                    plots.plot_articles_over_time(corpus_overview(articles, freq="M"), colours=outlets,
                                                                  freq="M", span=span)],
        "plot_salience": [plots.plot_salience(salience, colours=colours, labels=labels, top_n=15)],
        "plot_salience_heatmap": [plots.plot_salience_heatmap(
            actor_salience(mentions, sentences, articles, by=["outlet"], actors=ws.codebook.ids), labels=labels)],
        "plot_salience_trend": [plots.plot_salience_trend(
            actor_salience(mentions, sentences, articles, freq="W", actors=ws.codebook.ids), colours=colours,
            labels=labels, actors=top[:8], freq="W", span=span)],
    }


def _terms(ws, colours, labels, outlets, span, top):
    from analysis.plots import terms as plots
    from analysis.terms.actor_context import actor_context_terms
    from analysis.terms.counts import term_frequencies
    from analysis.terms.function_words import chart_terms
    from analysis.terms.keyness import actor_keyness
    from analysis.terms.trends import term_trends

    tokens, mentions, articles = ws.table("tokens"), ws.table("mentions"), ws.articles
    charted = chart_terms(term_frequencies(tokens, ngram=1), top_n=15)
    keys = actor_keyness(tokens, mentions, actor_id=top[:9])
    return {
        "plot_top_terms": [plots.plot_top_terms(term_frequencies(tokens, ngram=(1, 3), top_n=15))],
        "plot_context_terms": [plots.plot_context_terms(actor_context_terms(tokens, mentions, actor_id=top[:9], top_n=8),
                                                        actors=top[:9], top_n=8, colours=colours, labels=labels)],
        "plot_keyness": [plots.plot_keyness(keys[keys["actor_id"] == "united_kingdom"] if "united_kingdom" in top[:9]
                                            else actor_keyness(tokens, mentions, "united_kingdom"),
                                            title=f"Keyness: {labels['united_kingdom']}",
                                            target_label=labels["united_kingdom"], reference_label="rest of corpus")],
        "plot_keyness_panels": [plots.plot_keyness_panels(keys, actors=top[:9], colours=colours, labels=labels)],
        "plot_outlet_comparison": [plots.plot_outlet_comparison(term_frequencies(tokens, articles, ngram=1, by="outlet"),
                                                                terms=charted)],
        "plot_trends": [plots.plot_trends(term_trends(tokens, articles, terms=charted[:4], freq="W", by="outlet"),
                                          colours=outlets, freq="W", span=span)],
    }


def _framing(ws, colours, labels, outlets, span, top):
    from analysis.framing.dictionaries import load_frames
    from analysis.framing.frames import actor_frames, score_articles, score_sentences
    from analysis.framing.roles import role_balance
    from analysis.framing.voice import verb_class_shares, voice
    from analysis.plots import framing as plots

    tokens, mentions, quotes = ws.table("tokens"), ws.table("mentions"), ws.table("quotes")
    frames = load_frames("generic")
    counted = mentions[(mentions["kind"] != "pronoun") & mentions["actor_id"].isin(top[:10])]
    by_article = score_articles(tokens, frames=frames).merge(ws.articles[["article_id", "outlet"]], on="article_id")
    by_outlet = by_article.groupby(["outlet", "frame"], sort=False)["share"].mean().reset_index()
    return {
        "plot_frame_heatmap": [plots.plot_frame_heatmap(actor_frames(score_sentences(tokens, frames=frames), counted),
                                                        labels=labels),
                               plots.plot_frame_heatmap(by_outlet.sort_values("outlet", kind="stable"), row="outlet")],
        "plot_voice": [plots.plot_voice(voice(quotes), labels=labels, colours=colours, top_n=15)],
        "plot_attribution": [plots.plot_attribution(verb_class_shares(quotes), labels=labels, top_n=15)],
        "plot_roles": [plots.plot_roles(role_balance(ws.table("roles")), labels=labels, top_n=15)],
    }


def _sentiment(ws, colours, labels, outlets, span, top):
    from analysis.plots import sentiment as plots
    from analysis.sentiment.compare import compared_outlets, outlet_tone_difference
    from analysis.sentiment.tone import actor_tone, tone_tables, with_articles

    _, mention_tone = tone_tables(ws.annotations.tables)
    scored = with_articles(mention_tone, ws.articles, period="W")
    pair = compared_outlets(ws.articles, [OUTLETS[0], OUTLETS[15]])
    return {
        "plot_actor_tone": [plots.plot_actor_tone(actor_tone(mention_tone, n_boot=200), colours=colours, labels=labels,
                                                  top_n=15)],
        "plot_tone_heatmap": [plots.plot_tone_heatmap(actor_tone(scored, by=["actor_id", "outlet"], n_boot=200),
                                                      labels=labels, top_n=15)],
        "plot_tone_trend": [plots.plot_tone_trend(actor_tone(scored, by=["actor_id", "period"], n_boot=200),
                                                  colours=colours, labels=labels, actors=top[:6], freq="W", span=span)],
        "plot_outlet_difference": [plots.plot_outlet_difference(
            outlet_tone_difference(scored, outlets=pair, n_boot=200), labels=labels, outlet_colours=outlets,
            min_n=2)],
    }


def test_every_plot_function_is_drawn(figures):
    from long_names import FIGURES

    assert set(figures) == set(FIGURES)


@pytest.mark.parametrize("name", sorted(__import__("long_names").FIGURES))
def test_nothing_clipped_and_colours_distinct(figures, name):
    for fig in figures[name]:
        assert texts_outside(fig) == [], name
        assert colour_problems(fig) == [], name
