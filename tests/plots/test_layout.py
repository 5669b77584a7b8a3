"""Layout on real-scale names: every plot function, long labels and 20 outlets, nothing cut, colours apart.

The fixture (:mod:`long_names`) draws each plot function of :mod:`analysis.plots` with names
such as "United States of America", "Vladimir Vladimirovich Putin" and "New York Times
International Edition", 20 outlets and partial first and last weeks.
"""

from __future__ import annotations

import inspect

import pandas as pd
import pytest
from figure_checks import category_colours, colour_problems, texts_outside
from long_names import FIGURES, OUTLETS

from analysis.plots import framing, overview, sentiment, terms
from analysis.plots.layout import finish, wrap_label
from analysis.plots.periods import (axis_label, date_span, infer_freq, partial_periods, period_labels,
                                    set_period_axis)

DRAWS = [(name, i, draw) for name, draws in FIGURES.items() for i, draw in enumerate(draws)]


def test_the_fixture_draws_every_plot_function():
    public = {name for module in (overview, terms, framing, sentiment) for name, value in vars(module).items()
              if name.startswith("plot_") and inspect.isfunction(value) and value.__module__ == module.__name__}
    assert public == set(FIGURES)


@pytest.mark.parametrize("name, i, draw", DRAWS, ids=[f"{n}-{i}" for n, i, _ in DRAWS])
def test_no_text_is_cut_and_categories_keep_apart(name, i, draw):
    fig = draw()
    assert texts_outside(fig) == []
    assert colour_problems(fig) == []
    for ax in fig.axes:  # legends sit outside the data
        legend = ax.get_legend()
        if legend is not None:
            assert not legend.get_window_extent().overlaps(ax.get_window_extent()), name


def test_twenty_outlets_twenty_colours():
    fig = FIGURES["plot_articles_over_time"][0]()
    colours = category_colours(fig)
    assert sorted(colours) == sorted(wrap_label(o, width=24) for o in OUTLETS)
    assert len(set(colours.values())) == 20


def test_a_long_label_grows_the_figure_rather_than_being_cut():
    from analysis.plots.export import new_figure

    fig, ax = new_figure(width=3, height=2)
    ax.barh([0], [1], tick_label=["Ministry of Foreign Affairs of the Russian Federation " * 3])
    ax.set_title("A title much longer than the figure is wide, on purpose, to be kept whole")
    finish(fig)
    assert texts_outside(fig) == [] and fig.get_size_inches()[0] > 3


def test_labels_wrap_at_word_boundaries():
    assert wrap_label("New York Times International Edition") == "New York Times International\nEdition"
    assert wrap_label("BBC") == "BBC"


class TestPeriods:
    WEEKS = list(pd.date_range("2022-01-03", periods=13, freq="7D"))
    MONTHS = [pd.Timestamp("2022-01-01"), pd.Timestamp("2022-02-01"), pd.Timestamp("2022-03-01")]

    def test_frequency_follows_the_spacing(self):
        assert infer_freq(self.WEEKS) == "W" and infer_freq(self.MONTHS) == "M"
        assert infer_freq(list(pd.date_range("2022-01-01", periods=4))) == "D"
        assert infer_freq(["o1", "o2"]) is None

    def test_month_axis_shows_months(self):
        assert period_labels(self.MONTHS) == ["Jan 2022", "Feb 2022", "Mar 2022"]
        assert period_labels(self.WEEKS[:3]) == ["3 Jan 2022", "10 Jan", "17 Jan"]

    def test_ticks_are_thinned(self):
        from analysis.plots.export import new_figure

        fig, ax = new_figure()
        ax.plot(self.WEEKS, range(13))
        set_period_axis(ax, self.WEEKS)
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert len(labels) <= 8 and labels[0] == "3 Jan 2022" and labels[1] == "17 Jan"
        fig, ax = new_figure()
        ax.plot(self.MONTHS, range(3))
        set_period_axis(ax, self.MONTHS)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["Jan 2022", "Feb 2022", "Mar 2022"]

    def test_partial_first_and_last_periods(self):
        span = date_span(pd.Series(pd.to_datetime(["2022-01-05 10:00", "2022-03-30 00:00"])))
        assert span == (pd.Timestamp("2022-01-05"), pd.Timestamp("2022-03-30"))
        assert partial_periods(self.WEEKS, span=span) == [True] + [False] * 11 + [True]
        assert partial_periods(self.MONTHS, span=span) == [True, False, True]
        whole = (pd.Timestamp("2022-01-01"), pd.Timestamp("2022-03-31"))
        assert partial_periods(self.MONTHS, span=whole) == [False, False, False]
        assert partial_periods(self.MONTHS, span=None) == [False] * 3
        assert "partial month" in axis_label(self.MONTHS, partial=[True, False, True], span=span)

    def test_over_time_charts_mark_partial_periods(self):
        data = FIGURES["plot_articles_over_time"][0]()
        ax = data.axes[0]
        hatched = [p for c in ax.containers for p in c.patches if p.get_hatch()]
        assert len(hatched) == 2 * len(OUTLETS)  # first and last week of each outlet
        assert "partial week" in ax.get_xlabel()
        trend = FIGURES["plot_salience_trend"][0]()
        open_markers = [line for line in trend.axes[0].lines if line.get_label() == "_partial"]
        assert open_markers and all(line.get_markerfacecolor() == "white" for line in open_markers)


def test_a_finished_figure_is_drawn_once_when_saved():
    """finish leaves no layout engine behind: savefig draws once, not a layout pass and then the file."""
    import io

    from analysis.plots.export import new_figure

    fig, ax = new_figure(width=3, height=2)
    ax.plot([0, 1], [0, 1])
    finish(fig)
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    fig.savefig(io.BytesIO(), format="svg")
    assert fig.get_layout_engine() is None and len(draws) == 1
