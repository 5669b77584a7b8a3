"""The explorer's logic without a browser: state callbacks, pane tables, KWIC pages, export."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from analysis.report.explorer import (actor_options, date_options, initial_state, kwic_page,
                                      kwic_table, outlet_options, salience_table, tone_table,
                                      turn_page, view_tables, with_changes)
from analysis.report.explorer_view import (close_figures, export_view, kwic_html, next_run_folder, table_html,
                                           view_figures)
from explorer_fixtures import data  # noqa: F401 (fixture)


@pytest.fixture
def state(data):
    return initial_state(data, actors=["putin", "nato"])


class TestChoices:
    def test_actors_sorted_by_mentions(self, data):
        options = actor_options(data)
        assert [a for _, a in options] == ["nato", "putin", "russia", "kirby", "united_states"]  # ties: codebook order
        assert options[:2] == [("NATO (7)", "nato"), ("Vladimir Putin (4)", "putin")]  # headlines count

    def test_outlets_and_days(self, data):
        assert outlet_options(data) == [("Daily A (2)", "Daily A"), ("Daily B (2)", "Daily B")]
        days = date_options(data)
        assert days[0] == dt.date(2022, 2, 1) and days[-1] == dt.date(2022, 2, 16) and len(days) == 16

    def test_initial_state_takes_the_most_mentioned_and_the_whole_period(self, data):
        state = initial_state(data, n_actors=2)
        assert state.actors == ("nato", "putin")
        assert (state.start, state.end, state.period) == (dt.date(2022, 2, 1), dt.date(2022, 2, 16), "W")


class TestCallbacks:
    def test_changes_are_normalised(self, state):
        new = with_changes(state, actors=["putin"], outlets=["Daily A"], query="  no   fly ", page=2)
        assert new.actors == ("putin",) and new.outlets == ("Daily A",) and new.query == "no fly" and new.page == 2

    def test_any_change_but_the_page_goes_back_to_the_first_page(self, state):
        assert with_changes(with_changes(state, page=3), query="sanctions").page == 0

    def test_dates_are_ordered_and_period_checked(self, state):
        new = with_changes(state, start=dt.date(2022, 2, 10), end=dt.datetime(2022, 2, 2, 12))
        assert (new.start, new.end) == (dt.date(2022, 2, 2), dt.date(2022, 2, 10))
        with pytest.raises(ValueError, match="period must be one of D, W, M"):
            with_changes(state, period="Y")

    @pytest.mark.parametrize("page, step, n_lines, expected", [(0, 1, 25, 1), (2, 1, 25, 2), (0, -1, 25, 0),
                                                               (1, 1, 0, 0), (1, -1, 25, 0)])
    def test_turn_page_stays_within_the_lines(self, state, page, step, n_lines, expected):
        assert turn_page(with_changes(state, page=page), step, n_lines=n_lines).page == expected

    def test_pane_state_ignores_the_kwic_widgets(self, state):
        from analysis.report.explorer import pane_state

        typed = turn_page(with_changes(state, query="sanctions", query_actor="putin"), 1, n_lines=30)
        assert pane_state(typed) == pane_state(state)
        assert pane_state(with_changes(state, actors=["putin"])) != pane_state(state)

    def test_selections_are_json_ready(self, state):
        chosen = with_changes(state, outlets=["Daily B"]).selections()
        assert chosen["actors"] == ["putin", "nato"] and chosen["outlets"] == ["Daily B"]
        assert chosen["start"] == "2022-02-01" and chosen["end"] == "2022-02-16"
        json.dumps(chosen)


class TestPanes:
    def test_salience_per_week(self, data, state):
        table = salience_table(data, state)
        putin = table[table["actor_id"] == "putin"].set_index("period")["articles"]
        assert putin.to_dict() == {dt.datetime(2022, 1, 31): 2, dt.datetime(2022, 2, 14): 1}

    def test_outlet_filter_narrows_every_pane(self, data, state):
        only_a = with_changes(state, outlets=["Daily A"])
        putin = salience_table(data, only_a).query("actor_id == 'putin'")
        assert putin["articles"].sum() == 1 and putin["n_articles"].tolist() == [1, 1]
        assert tone_table(data, only_a, by_period=False).set_index("actor_id")["n_mentions"].to_dict() == \
            {"putin": 2, "nato": 6}

    def test_adding_an_actor_keeps_the_others_rows(self, data, state):
        before = tone_table(data, state, by_period=False)
        after = tone_table(data, with_changes(state, actors=["putin", "nato", "russia"]), by_period=False)
        assert after["actor_id"].tolist() == ["putin", "nato", "russia"]
        assert after.iloc[:2].equals(before)

    def test_voice_and_verbs_of_the_chosen_actors(self, data):
        state = initial_state(data, actors=["kirby"])
        tables = view_tables(data, state)
        assert tables["voice"]["actor"].tolist() == ["kirby"] and tables["voice"]["quotes"].tolist() == [2]
        assert tables["verbs"][["verb_lemma", "n"]].values.tolist() == [["say", 2]]

    def test_every_pane_has_a_table(self, data, state):
        tables = view_tables(data, state)
        assert set(tables) == {"salience", "tone", "tone_overall", "frames", "voice", "verbs", "context",
                               "keyness", "kwic"}
        assert set(tables["frames"]["actor_id"]) == {"putin", "nato"}
        assert "sanctions" in set(tables["context"].query("actor_id == 'putin'")["term"])

    def test_no_actor_chosen(self, data, state):
        tables = view_tables(data, with_changes(state, actors=[]))
        assert tables["tone"].empty and tables["context"].empty


class TestKwic:
    def test_lines_carry_outlet_date_headline_and_sentence_details(self, data, state):
        page = kwic_page(data, with_changes(state, query="sanctions"))
        assert page["keyword"].str.lower().tolist() == ["sanctions"] * 6  # the n2 headline too
        first = page.iloc[0]
        assert (first["article_id"], first["outlet"], first["title"]) == ("n1", "Daily A", "Putin warns NATO")
        assert first["sentence"] == "Russia wants sanctions lifted."
        assert first["tone_label"] in {"negative", "neutral", "positive"}

    def test_actor_and_outlet_narrow_the_lines(self, data, state):
        assert len(kwic_table(data, with_changes(state, query="sanctions", query_actor="putin"))) == 1
        assert kwic_table(data, with_changes(state, query="sanctions", outlets=["Daily A"]))["article_id"].tolist() \
            == ["n1"]

    def test_pages(self, data, state):
        paged = with_changes(state, query="sanctions", page_size=2)
        assert kwic_page(data, paged)["article_id"].tolist() == ["n1", "n2"]
        last = turn_page(paged, 5, n_lines=len(kwic_table(data, paged)))
        assert last.page == 2 and kwic_page(data, last)["article_id"].tolist() == ["n2", "n4"]

    def test_html_is_escaped_and_expandable(self, data, state):
        chosen = with_changes(state, query="sanctions")
        page = kwic_page(data, chosen)
        text = kwic_html(page, total=6, state=chosen)
        assert text.count("<details class='kwic-line'>") == 6
        assert "Sanctions &lt;b&gt;bite&lt;/b&gt;" in text and "<b>bite</b>" not in text
        assert "Lines 1–6 of 6" in text and "generic: economic (1); policy: economic (1)" in text
        assert "No line contains" in kwic_html(page.head(0), total=0, state=with_changes(state, query="zzz"))

    def test_table_html_notes_an_empty_table(self, data, state):
        assert "Nothing to show" in table_html(view_tables(data, with_changes(state, actors=[]))["tone"])


class TestExport:
    def test_export_writes_figures_tables_and_selections(self, data, state, tmp_path):
        chosen = with_changes(state, query="sanctions")
        folder = export_view(data, chosen, root=tmp_path, formats=("png", "svg"))
        assert folder == tmp_path / "view-001"
        names = {p.name for p in folder.iterdir()}
        assert {"explore-salience.png", "explore-salience.svg", "explore-salience.csv", "explore-frames.png",
                "table-kwic.csv", "table-voice.csv", "manifest.json", "view.json"} <= names
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["explore-tone"]["parameters"]["actors"] == ["putin", "nato"]
        assert manifest["explore-tone"]["notebook"] == "explore"
        view = json.loads((folder / "view.json").read_text())
        assert view["selections"]["query"] == "sanctions"
        assert (folder / "table-kwic.csv").read_text().count("\n") == 7  # header + 6 lines
        assert export_view(data, chosen, root=tmp_path, formats=("png",)).name == "view-002"

    def test_refuses_the_tracked_figures_folder(self):
        from analysis.paths import FIGURES

        with pytest.raises(ValueError, match="run folder"):
            next_run_folder(FIGURES / "explore")

    def test_a_pane_computes_only_its_tables(self, data, state):
        from analysis.report.explorer_view import view_panes

        chosen = with_changes(state, outlets=["Daily B"], period="M")  # a selection no other test computes
        items = view_panes(data, chosen, panes=["Voice"])["Voice"]
        assert len(items) == 2 and "Quotes and quoted words" in items[0] and "Attribution verbs" in items[1]
        computed = {key[0] for key in data.memo if chosen.outlets in key}
        assert {"voice", "verbs"} <= computed and not computed & {"tone", "salience", "context", "keyness"}

    def test_a_period_change_keeps_the_figures_that_do_not_show_periods(self, data, state):
        chosen = with_changes(state, outlets=["Daily A"])
        before = view_figures(data, chosen)
        after = view_figures(data, with_changes(chosen, period="D"))
        kept = {name for name in before if after[name] is before[name]}
        assert kept == {"tone-overall", "frames", "context"}
        assert view_figures(data, chosen)["salience"] is before["salience"]  # remembered

    def test_panes_as_the_pngs_the_notebook_shows(self, data, state):
        from PIL import Image

        from analysis.report.explorer_view import view_images, view_panes

        chosen = with_changes(state, outlets=["Daily A"], period="D")
        items = view_panes(data, chosen, panes=["Tone"], images=True)["Tone"]
        assert [type(item) for item in items] == [str, bytes, str] and items[1].startswith(b"\x89PNG")
        assert "actor-legend" in items[0] and "Mean tone toward each actor" in items[0]  # colours and caption above
        assert "tone-intervals" in items[2]  # the overall tone as an HTML chart
        figure = view_figures(data, chosen, names=["tone"], screen=True)["tone"]
        width, height = figure.get_size_inches() * figure.dpi  # the figure's own size, not the export's 300 dpi
        assert Image.open(io.BytesIO(items[1])).size == (round(width), round(height))
        assert view_images(data, chosen, names=["tone"])["tone"] is items[1]  # remembered beside the figure

    @pytest.mark.parametrize("period", ["W", "D", "M"])
    def test_the_html_legend_names_the_lines_the_complete_figure_draws(self, data, state, period):
        import re

        from analysis.report.explorer_view import view_panes

        chosen = with_changes(state, actors=("putin", "nato", "russia"), period=period)
        complete = view_figures(data, chosen, names=["salience", "tone"])
        items = {pane: view_panes(data, chosen, panes=[pane], images=True)[pane][0] for pane in ("Salience", "Tone")}
        for pane, name in (("Salience", "salience"), ("Tone", "tone")):
            legend = complete[name].axes[0].get_legend() if complete[name].axes else None
            drawn = [text.get_text() for text in legend.get_texts()] if legend is not None else []
            assert re.findall(r"</span>([^<]+)</span>", items[pane]) == drawn, (pane, period)

    def test_screen_line_charts_leave_title_and_legend_to_the_page(self, data, state):
        chosen = with_changes(state, outlets=["Daily A"], period="D")
        screen = view_figures(data, chosen, names=["salience", "tone"], screen=True)
        complete = view_figures(data, chosen, names=["salience", "tone"])
        for name in ("salience", "tone"):
            assert screen[name] is not complete[name]
            assert screen[name].axes[0].get_legend() is None and not screen[name].axes[0].get_title()
            assert complete[name].axes[0].get_legend() is not None and complete[name].axes[0].get_title()

    def test_the_context_pane_draws_its_words_as_html(self, data, state):
        from analysis.report.explorer_view import view_panes

        chosen = with_changes(state, outlets=["Daily B"], period="D")
        bars, keyness = view_panes(data, chosen, panes=["Context"], images=True)["Context"]
        assert "term-bars" in bars and "sanctions" in bars and "Vladimir Putin" in bars and "Key words" in keyness
        assert not any(key[1] == "context" for key in data.figures if key[0] == "png")  # no figure drawn for it

    def test_the_png_shows_the_layout_pass_pixels_as_a_fresh_draw_would(self, data, state):
        import numpy as np
        from PIL import Image

        from analysis.plots.layout import drawn_pixels
        from analysis.report.explorer_view import figure_png

        figure = view_figures(data, with_changes(state, outlets=["Daily B"]), names=["context"], screen=True)["context"]
        assert drawn_pixels(figure) is not None  # view_figures laid it out by drawing it
        shown = np.asarray(Image.open(io.BytesIO(figure_png(figure))))
        figure.stale = True  # as after any change: drawn afresh
        assert drawn_pixels(figure) is None
        fresh = np.asarray(Image.open(io.BytesIO(figure_png(figure))))
        assert shown.shape == fresh.shape and (shown == fresh).all()

    def test_pixels_are_forgotten_when_another_draw_follows(self, data, state):
        from analysis.plots.layout import drawn_pixels, finish

        fresh = with_changes(state, start=dt.date(2022, 2, 1), end=dt.date(2022, 2, 15))  # no other test draws it
        figure = view_figures(data, fresh, names=["frames"], screen=True)["frames"]
        assert drawn_pixels(figure) is not None
        figure.axes[0].set_title("changed, then saved as PDF")  # stale; the PDF, drawn at 72 dpi, leaves it stale
        figure.savefig(io.BytesIO(), format="pdf")
        assert drawn_pixels(figure) is None
        figure = view_figures(data, with_changes(fresh, period="D"), names=["salience"], screen=True)["salience"]
        assert drawn_pixels(figure) is not None
        finish(figure)  # laid out again outside the explorer: measured, not painted
        assert drawn_pixels(figure) is None

    def test_figures_for_every_pane(self, data, state):
        figures = view_figures(data, state)
        try:
            assert set(figures) == {"salience", "tone", "tone-overall", "frames", "context"}
        finally:
            close_figures(figures)
