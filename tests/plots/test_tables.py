"""Notebook tables: shown without the pandas index, rounded, escaped."""

from __future__ import annotations

import pandas as pd

from analysis.plots.tables import show_table, table

FRAME = pd.DataFrame({"actor_id": ["putin", "<b>x</b>"], "mean": [-0.123456, 0.5]}, index=[7, 9])


def test_html_and_text_without_the_index():
    shown = table(FRAME)
    html, text = shown._repr_html_(), repr(shown)
    assert "<th>actor_id</th>" in html and "-0.123" in html and ">7<" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html  # corpus text is escaped
    assert text.splitlines()[0].split() == ["actor_id", "mean"] and not text.splitlines()[1].startswith("7")
    assert repr(table(FRAME, digits=None)).count("-0.123456") == 1


def test_show_table_displays(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    show_table(FRAME)
    assert shown and shown[0].frame["mean"].tolist() == [-0.123, 0.5]


def test_dates_pass_and_a_pivot_has_one_header_row():
    import warnings

    frame = pd.DataFrame({"date": pd.to_datetime(["2022-02-01"]), "actor_id": ["x"], "frame": ["conflict"],
                          "share": [0.12345]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shown = table(frame)
    assert shown.frame["date"].equals(frame["date"])
    wide = table(frame.pivot_table(index="actor_id", columns="frame", values="share").reset_index())
    assert wide._repr_html_().count("<tr") == 2 and "<th></th>" not in wide._repr_html_()
