"""A report's corpus options and notebook parameters (analysis.report.options), checked before any kernel.

Each test plans a report (``plan_report`` reads and filters the corpus, and checks every
``-p`` value against the notebooks' declared types) or calls the command line with an
input it must refuse; none starts a kernel. Real runs with these options are in
``test_navigation.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.errors import InputError
from analysis.paths import ADHOC_RUNS, DEFAULT_CODEBOOK, OUTPUT_ROOT_VARIABLE, PROJ_ROOT, SEEDS, output_path
from analysis.report.options import filter_articles, corpus_options, parse_parameter, write_articles, yaml_value
from analysis.report.plan import plan_report

OUTLETS = ("Alpha Gazette", "Beta Herald", "Gamma Times")


def write_corpus(path: Path, *, text_column: str = "text", rows: int = 9) -> Path:
    """A small CSV: ``rows`` articles over three outlets and three days of February 2022."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "outlet", "title", text_column])
        for i in range(rows):
            writer.writerow([f"a{i}", f"2022-02-0{1 + i % 3}", OUTLETS[i // 3 % 3], f"Putin and NATO {i}",
                             f"Vladimir Putin met NATO envoys, article {i}.\n\n\"We talk,\" Putin said."])
    return path


def plan(tmp_path: Path, **options):
    corpus = options.pop("corpus", None) or write_corpus(tmp_path / "articles.csv")
    return plan_report(corpus=corpus, codebook=DEFAULT_CODEBOOK, out=tmp_path / "run", **options)


# --- -p NAME=VALUE ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("period=M", ("period", "M")), ("top_n=20", ("top_n", 20)), ("neutral_band=0.1", ("neutral_band", 0.1)),
    ("trend_terms=[war, gas]", ("trend_terms", ["war", "gas"])), ("show=true", ("show", True)),
    ("frame_scheme=no", ("frame_scheme", "no")), ("since=2022-02-01", ("since", "2022-02-01")),
    ("title='a: b'", ("title", "a: b")), ("empty=", ("empty", "")),
])
def test_parameter_values_are_typed_as_yaml_1_2(text, expected):
    assert parse_parameter(text) == expected


@pytest.mark.parametrize("text", ["period", "=M", "two words=1", "terms=[war, gas"])
def test_malformed_parameter_is_one_clear_error(text):
    with pytest.raises(InputError, match="'-p'|-p,"):
        parse_parameter(text)


def test_parameters_go_to_each_notebook_that_declares_them(tmp_path):
    report = plan(tmp_path, notebooks=["00", "10", "40"], actors=["putin"],
                  parameters={"period": "M", "top_n": "20", "trend_terms": "war,gas"})
    by_name = {run.source.stem: run.parameters for run in report.runs}
    assert by_name["00-corpus-overview"]["period"] == "M" and by_name["40-actor-profile"]["period"] == "M"
    assert "period" not in by_name["10-term-frequency"]  # 10 declares trend_freq, not period
    assert {p["top_n"] for p in by_name.values()} == {20}  # converted to the declared int
    assert by_name["10-term-frequency"]["trend_terms"] == ["war", "gas"]
    assert report.parameters == {"period": "M", "top_n": "20", "trend_terms": "war,gas"}


def test_unknown_parameter_names_the_notebooks_parameters(tmp_path):
    with pytest.raises(InputError) as caught:
        plan(tmp_path, notebooks=["00"], parameters={"perod": "M"})
    message = str(caught.value)
    assert "'perod'" in message and "period" in message and "top_n" in message
    assert "corpus" not in message.split("expected")[1]  # set by the report, not offered


@pytest.mark.parametrize("name, option", [("corpus", "--corpus"), ("figures_dir", "--out"), ("actor", "--actors"),
                                          ("sample", "--from/--to")])
def test_parameters_the_report_sets_are_refused(tmp_path, name, option):
    with pytest.raises(InputError, match=f"'{name}'.*{option}"):
        plan(tmp_path, notebooks=["00", "40"], actors=["putin"], parameters={name: "x"})


@pytest.mark.parametrize("name, value, expected", [
    ("period", "Q", "00-corpus-overview: parameter 'period': expected one of D, W, M, got 'Q'"),
    ("top_n", 0, "expected a whole number ≥ 1, got 0"),
    ("top_n", "many", "expected a whole number ≥ 1, got 'many'"),
])
def test_bad_values_are_refused_before_any_kernel(tmp_path, name, value, expected):
    with pytest.raises(InputError, match=expected):
        plan(tmp_path, notebooks=["00"], parameters={name: value})


def test_cli_refuses_an_unknown_parameter_in_one_line_and_writes_nothing(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "articles.csv")
    code = main(["report", "--corpus", str(corpus), "--out", str(tmp_path / "run"), "--notebooks", "00",
                 "-p", "nope=1"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and "'nope'" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.csv"]


# --- --column, --skip-invalid, --from/--to, --outlets -------------------------------------------


def test_column_mapping_reads_a_body_column(tmp_path):
    corpus = write_corpus(tmp_path / "body.csv", text_column="body")
    report = plan(tmp_path, corpus=corpus, notebooks=["00"], columns={"text": "body"})
    assert report.n_articles == 9 and report.selection.differs(report.options)


def test_unrecognised_text_column_needs_the_mapping(tmp_path):
    corpus = write_corpus(tmp_path / "story.csv", text_column="story")
    with pytest.raises(InputError, match="'text' column"):
        plan(tmp_path, corpus=corpus, notebooks=["00"])
    assert plan(tmp_path, corpus=corpus, notebooks=["00"], columns={"text": "story"}).n_articles == 9


def test_bad_column_option_is_refused(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "articles.csv")
    code = main(["report", "--corpus", str(corpus), "--out", str(tmp_path / "run"), "--column", "body"])
    assert code == 2 and "FIELD=COLUMN" in capsys.readouterr().err


def test_skip_invalid_keeps_the_good_records_and_lists_the_rest(tmp_path):
    corpus = write_corpus(tmp_path / "articles.csv")
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write("bad1,2022-13-01,Alpha Gazette,Broken date,Some text.\n")
    with pytest.raises(InputError, match="2022-13-01"):
        plan(tmp_path, corpus=corpus, notebooks=["00"])
    report = plan(tmp_path, corpus=corpus, notebooks=["00"], skip_invalid=True)
    assert report.n_articles == 9 and len(report.selection.skipped) == 1
    assert report.selection.record()["articles_read"] == 9


def test_dates_and_outlets_filter_the_corpus(tmp_path):
    report = plan(tmp_path, notebooks=["00"], date_from="2022-02-02", outlets=["Alpha Gazette", "Gamma Times"])
    articles = report.selection.articles
    assert len(articles) == report.n_articles == 4
    assert articles["date"].min() >= dt.datetime(2022, 2, 2)
    assert set(articles["outlet"]) == {"Alpha Gazette", "Gamma Times"}
    assert report.options.record() == {"columns": {}, "skip_invalid": False, "from": "2022-02-02", "to": None,
                                       "outlets": ["Alpha Gazette", "Gamma Times"]}
    only = plan(tmp_path, notebooks=["00"], date_from="2022-02-01", date_to="2022-02-01")
    assert only.n_articles == 3  # both ends inclusive


@pytest.mark.parametrize("options, match", [
    ({"date_from": "1 Feb 2022"}, "'from': expected a day as YYYY-MM-DD"),
    ({"date_from": "2022-02-03", "date_to": "2022-02-01"}, "on or before --to"),
    ({"outlets": ["Delta Post"]}, "outlets of the corpus \\(Alpha Gazette, Beta Herald, Gamma Times\\)"),
    ({"outlets": []}, "at least one outlet"),
    ({"outlets": "Alpha Gazette"}, "a list of outlet names"),
    ({"date_from": "2023-01-01"}, "keep at least one article \\(the corpus runs from 2022-02-01 to 2022-02-03\\)"),
])
def test_bad_filters_are_refused(tmp_path, options, match):
    with pytest.raises(InputError, match=match):
        plan(tmp_path, notebooks=["00"], **options)


def test_without_options_the_notebooks_read_the_input(tmp_path):
    report = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "run", notebooks=["00"])
    assert not report.selection.differs(report.options) and report.read_from == report.corpus == SEEDS
    wide = plan(tmp_path, notebooks=["00"], date_from="2022-01-01", skip_invalid=True)
    assert not wide.selection.differs(wide.options)  # nothing left out: the notebooks read the input itself


def test_selected_articles_read_back_unchanged(tmp_path):
    from analysis.annotate.pipeline import Settings, corpus_key
    from analysis.corpus.codebook import load_codebook
    from analysis.corpus.reader import read_corpus

    corpus = write_corpus(tmp_path / "articles.csv")
    with corpus.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["odd", "2022-02-02", "Beta Herald", "Line\u2028separator",
                                     'Quotes " and \\ and \u2029 and \r\n and émigré.'])
    articles = read_corpus(corpus).articles
    chosen = filter_articles(articles, corpus_options(outlets=["Beta Herald"]), source=corpus)
    back = read_corpus(write_articles(chosen, tmp_path / "corpus.jsonl")).articles
    columns = ["article_id", "date", "outlet", "title", "text", "url"]
    assert back[columns].equals(chosen[columns])
    book, settings = load_codebook(DEFAULT_CODEBOOK), Settings()
    assert corpus_key(back, book, settings) == corpus_key(chosen, book, settings)


def test_plan_changes_corpus_of_every_run_to_the_selection(tmp_path):
    report = plan(tmp_path, notebooks=["00", "40"], actors=["putin"], outlets=["Beta Herald"])
    report.use_corpus_file(tmp_path / "corpus.jsonl")
    assert {run.parameters["corpus"] for run in report.runs} == {str(tmp_path / "corpus.jsonl")}
    assert report.read_from == tmp_path / "corpus.jsonl" and report.corpus == tmp_path / "articles.csv"


def test_yaml_value_keeps_words_and_days_as_text():
    assert yaml_value("off") == "off" and yaml_value("2022-02-01") == "2022-02-01" and yaml_value("FALSE") is False


# --- figures of ad-hoc runs -------------------------------------------------------------------


def test_relative_outputs_of_adhoc_runs_go_under_runs_adhoc(monkeypatch):
    monkeypatch.delenv(OUTPUT_ROOT_VARIABLE, raising=False)
    assert output_path("figures") == ADHOC_RUNS / "figures" == PROJ_ROOT / "runs" / "adhoc" / "figures"
    assert output_path("/tmp/elsewhere") == Path("/tmp/elsewhere")
    monkeypatch.setenv(OUTPUT_ROOT_VARIABLE, "/tmp/root")
    assert output_path("figures") == Path("/tmp/root/figures")


def test_only_refresh_points_relative_outputs_at_the_project(monkeypatch):
    from analysis.report import notebooks

    seen = []
    monkeypatch.setenv(OUTPUT_ROOT_VARIABLE, "/tmp/test-root")
    monkeypatch.setattr(notebooks, "execute_notebook",
                        lambda source, output: seen.append((source, output, output_path("figures"))))
    notebooks.refresh(["00"])
    assert seen == [(notebooks.NOTEBOOKS / "00-corpus-overview.ipynb",) * 2 + (PROJ_ROOT / "figures",)]
    assert os.environ[OUTPUT_ROOT_VARIABLE] == "/tmp/test-root"  # restored
