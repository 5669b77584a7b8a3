"""The batch report (analysis.report.batch, analysis.report.html, ``python -m analysis report``).

Fast tests check validation, file names and escaping without starting a kernel. Slow
tests run real batches: on ``seeds/`` (every notebook, two dossiers), on a 30-article
sample of the shared Q1 corpus (skipped without ../shared), and on tiny fixture notebooks
that fail on purpose; the pages are opened in headless Chromium when it is installed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.cli import main
from analysis.errors import InputError
from analysis.plots.export import slug
from analysis.markup import escape_markdown
from analysis.report.html import render_index
from analysis.report.notebooks import notebook_paths
from analysis.paths import DEFAULT_CODEBOOK, NOTEBOOKS, Q1_CORPUS, SEEDS
from analysis.report.batch import run_report
from analysis.report.dossier import actor_view
from analysis.report.parameters import notebook_parameters, workspace_layers
from analysis.report.plan import plan_report
from analysis.report.summary import SUMMARY_COLUMNS
from conftest import TINY_CODEBOOK, require_shared

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAYLOAD = '<script>alert("pwn")</script>'


# --- helpers ------------------------------------------------------------------------------------


def fixture_notebook(path: Path, *, body: str, actor: bool = False) -> Path:
    """A tiny notebook with a parameters cell (corpus, codebook, figures_dir[, actor]) and one code cell."""
    params = 'corpus: str = "seeds"  # corpus\ncodebook: str = "seeds/actors.yaml"  # codebook\n' \
             'figures_dir: str = "figures"  # figures\n'
    if actor:
        params = 'actor: str = "biden"  # actor id\n' + params
    nb = new_notebook(cells=[new_code_cell(params, metadata={"tags": ["parameters"]}), new_code_cell(body)],
                      metadata={"kernelspec": {"name": "media-analysis", "display_name": "Python (media-analysis)",
                                               "language": "python"}})
    nbformat.write(nb, path)
    return path


class _Links(HTMLParser):
    """Collects img/object/embed sources and every href/src of a page."""

    def __init__(self):
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("img", "object", "embed"):
            self.images.append(attrs.get("src") or attrs.get("data") or "")
        for key in ("href", "src", "data"):
            if attrs.get(key):
                self.links.append(attrs[key])


def page_links(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def broken_relative_links(page: Path, text: str) -> list[str]:
    """Relative href/src of ``text`` (a page at ``page``) that do not exist on disk."""
    missing = []
    for link in page_links(text).links:
        parsed = urlparse(link)
        if parsed.scheme or link.startswith(("#", "//")):
            continue
        target = (page.parent / unquote(parsed.path)).resolve()
        if not target.exists():
            missing.append(link)
    return missing


def chromium_dom(page: Path, tmp_path: Path) -> str:
    """The DOM of ``page`` after Chromium loaded it headless (skips when no Chromium is installed)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs headless Chromium (Debian package 'chromium'; .ci/run installs it with "
                    "'apt-get install -y chromium')")
    profile = tmp_path / f"chromium-profile-{page.stem}"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<body" in done.stdout, done.stderr[-2000:]
    return done.stdout


def expected_notebooks() -> list[Path]:
    return notebook_paths()


# --- fast: planning, validation, names, escaping ------------------------------------------------


class TestPlan:
    def test_default_plan_runs_every_notebook_and_a_dossier_per_actor(self, tmp_path):
        plan = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "run")
        corpus_level = [r.name for r in plan.runs if r.actor is None]
        dossiers = [r for r in plan.runs if r.actor is not None]
        assert corpus_level == [p.stem for p in expected_notebooks() if p.stem != "40-actor-profile"]
        assert [r.actor for r in dossiers] == plan.actors and len(plan.actors) >= 20
        assert all(r.name == f"40-actor-profile--{slug(r.actor)}" for r in dossiers)
        assert all(Path(r.parameters["corpus"]).is_absolute() for r in plan.runs if "corpus" in r.parameters)

    def test_actor_and_notebook_subsets(self, tmp_path):
        plan = plan_report(corpus="seeds", codebook="seeds/actors.yaml", out=tmp_path / "run",
                           actors=["kirby", "biden"], notebooks=["00", "40"])
        assert [r.name for r in plan.runs] == ["00-corpus-overview", "40-actor-profile--kirby",
                                               "40-actor-profile--biden"]
        assert plan.runs[0].parameters.get("actors") == ["kirby", "biden"]

    def test_dossier_parameters_are_declared(self):
        declared = notebook_parameters(NOTEBOOKS / "40-actor-profile.ipynb")
        assert declared["actor"] == "biden"
        assert {"corpus", "codebook", "figures_dir", "period", "top_n"} <= set(declared)
        assert workspace_layers(NOTEBOOKS / "40-actor-profile.ipynb") == [None]  # the default layers

    @pytest.mark.parametrize("kwargs, field", [
        ({"actors": ["nobody"]}, "--actors"),
        ({"notebooks": ["99"]}, "notebooks"),
        ({"jobs": 0}, "jobs"),
        ({"corpus": "no/such/corpus"}, "--corpus"),
        ({"codebook": "no/such/codebook.yaml"}, "path"),
    ])
    def test_bad_parameters_stop_before_anything_runs(self, tmp_path, kwargs, field):
        arguments = {"corpus": SEEDS, "codebook": DEFAULT_CODEBOOK, "out": tmp_path / "run", **kwargs}
        with pytest.raises(InputError) as caught:
            run_report(**arguments, progress=False)
        assert repr(field) in str(caught.value)
        assert list(tmp_path.iterdir()) == []  # no run folder, no staging folder

    def test_bad_codebook_names_its_line(self, tmp_path):
        book = tmp_path / "book.yaml"
        book.write_text("actors:\n  - id: Bad Id\n    label: X\n    type: person\n    aliases: [X]\n")
        with pytest.raises(InputError, match="book.yaml, line"):
            plan_report(corpus=SEEDS, codebook=book, out=tmp_path / "run")

    def test_cli_exit_code_2_and_one_line(self, tmp_path, capsys):
        code = main(["report", "--corpus", "seeds", "--codebook", "seeds/actors.yaml", "--out",
                     str(tmp_path / "run"), "--actors", "nobody"])
        err = capsys.readouterr().err
        assert code == 2
        assert err.startswith("error: ") and "nobody" in err and "Traceback" not in err

    def test_existing_run_is_not_overwritten_without_replace(self, tmp_path, capsys):
        out = tmp_path / "run"
        out.mkdir()
        (out / "keep.txt").write_text("mine")
        code = main(["report", "--out", str(out), "--notebooks", "00"])
        assert code == 2 and "--replace" in capsys.readouterr().err
        assert (out / "keep.txt").read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["run"]


class TestNames:
    @pytest.mark.parametrize("actor, expected", [("../x", "x"), ("../../etc/passwd", "etc-passwd"),
                                                 ("a/b\\c", "a-b-c"), ("..", "untitled"), ("Biden", "biden")])
    def test_slug_cannot_escape(self, actor, expected):
        assert slug(actor) == expected
        run_folder = Path("/runs/r")
        target = (run_folder / "reports" / f"40-actor-profile--{slug(actor)}.html").resolve()
        assert target.parent == run_folder / "reports"

    def test_codebook_rejects_path_like_ids(self, tmp_path):
        book = tmp_path / "book.yaml"
        book.write_text('actors:\n  - id: "../x"\n    label: X\n    type: person\n    aliases: [X]\n')
        with pytest.raises(InputError, match="id"):
            plan_report(corpus=SEEDS, codebook=book, out=tmp_path / "run")

    def test_ids_that_collide_as_file_names_are_rejected(self, tmp_path):
        book = tmp_path / "book.yaml"
        book.write_text(TINY_CODEBOOK + "  - id: united-states\n    label: US\n    type: country\n"
                        "    aliases: [Uncle Sam]\n")
        with pytest.raises(InputError, match="'united_states' already becomes 'united-states'.*got 'united-states'"):
            plan_report(corpus=SEEDS, codebook=book, out=tmp_path / "run")

    def test_dossier_rejects_unknown_actor(self):
        from analysis.annotate.workspace import open_workspace

        with pytest.raises(InputError, match="'actor'"):
            actor_view(open_workspace(), "../x")


class TestEscaping:
    def test_escape_markdown(self):
        assert escape_markdown(PAYLOAD) == "&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;"
        assert escape_markdown("a_b *c*") == r"a\_b \*c\*"

    def test_index_escapes_labels_errors_and_captions(self):
        page = render_index(
            title=f"run {PAYLOAD}", parameters={"corpus": PAYLOAD},
            runs=[{"name": "x", "label": PAYLOAD, "actor": PAYLOAD, "status": "failed", "seconds": 1.0,
                   "html": "reports/x.html", "ipynb": "notebooks/x.ipynb", "error": f"ValueError: {PAYLOAD}"}],
            actors=[{"actor_id": "x", "label": PAYLOAD, "type": "person", "mentions": 1, "articles_mentioning": 1,
                     "share_articles": 0.5, "share_headline": 0.0, "tone_mean": 0.1, "tone_ci_low": 0.0,
                     "tone_ci_high": 0.2, "dossier_html": "reports/x.html", "dossier_status": "failed"}],
            figures={"f": {"name": "f", "files": ["f.png"], "notebook": PAYLOAD, "caption": PAYLOAD}},
            files=[("summary.csv", PAYLOAD)])
        assert PAYLOAD not in page
        assert html.escape(PAYLOAD) in page


# --- slow: real batches -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    """Every notebook on seeds/ with two dossiers (the full 30-actor run is the benchmark's job)."""
    out = tmp_path_factory.mktemp("seeds") / "run"
    result = run_report(corpus="seeds", codebook="seeds/actors.yaml", out=out, actors=["biden", "kirby"], jobs=2,
                        progress=False)
    return result


@pytest.mark.slow
class TestSeedsRun:
    def test_every_expected_file(self, seeds_run):
        out = seeds_run.out
        assert seeds_run.ok, seeds_run.describe()
        for path in expected_notebooks():
            if path.stem == "40-actor-profile":
                continue
            assert (out / "reports" / f"{path.stem}.html").stat().st_size > 1000
            assert (out / "notebooks" / f"{path.stem}.ipynb").exists()
        for actor in ("biden", "kirby"):
            assert (out / "reports" / f"40-actor-profile--{actor}.html").exists()
            assert (out / "notebooks" / f"40-actor-profile--{actor}.ipynb").exists()
        for name in ("index.html", "summary.csv", "summary.parquet", "manifest.json", "figures/manifest.json"):
            assert (out / name).exists(), name
        figures = json.loads((out / "figures" / "manifest.json").read_text())
        assert "40-biden-keyness" in figures and "00-articles-over-time" in figures
        for entry in figures.values():
            assert sorted(f.rsplit(".", 1)[1] for f in entry["files"]) == ["csv", "png", "svg"]  # PDF with pdf=True
            assert all((out / "figures" / f).stat().st_size > 0 for f in entry["files"])
        assert not list(out.parent.glob(".run.*"))  # no staging folder left

    def test_summary_and_manifest(self, seeds_run):
        out = seeds_run.out
        summary = pd.read_csv(out / "summary.csv")
        assert list(summary.columns) == SUMMARY_COLUMNS
        assert summary["actor_id"].tolist() == ["biden", "kirby"]
        assert (summary["mentions"] > 0).all() and summary["dossier_status"].eq("ok").all()
        assert summary["tone_ci_low"].le(summary["tone_mean"]).all()
        assert pd.read_parquet(out / "summary.parquet").equals(pd.read_parquet(out / "summary.parquet"))
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["inputs"]["codebook"]["sha256"] == __import__("hashlib").sha256(
            DEFAULT_CODEBOOK.read_bytes()).hexdigest()
        assert set(manifest["inputs"]["corpus"]["files"]) >= {"000_a912a548cf8ee896.txt", "metadata.csv"}
        assert manifest["packages"]["papermill"] and manifest["packages"]["pandas"]
        assert {r["name"] for r in manifest["runs"]} == {r.name for r in seeds_run.runs}
        assert all(r["seconds"] > 0 for r in manifest["runs"]) and manifest["failures"] == []

    def test_code_hidden_and_parameters_recorded(self, seeds_run):
        page = (seeds_run.out / "reports" / "40-actor-profile--kirby.html").read_text()
        assert "open_workspace" not in page
        nb = nbformat.read(seeds_run.out / "notebooks" / "40-actor-profile--kirby.ipynb", as_version=4)
        assert nb.metadata.papermill.parameters["actor"] == "kirby"
        assert "cdnjs" not in page  # works offline

    def test_index_links_every_report_and_figure(self, seeds_run):
        index = seeds_run.out / "index.html"
        text = index.read_text()
        links = page_links(text)
        for run in seeds_run.runs:
            assert run.html in links.links
        figures = json.loads((seeds_run.out / "figures" / "manifest.json").read_text())
        for entry in figures.values():
            for name in entry["files"]:
                assert f"figures/{name}" in links.links
        assert broken_relative_links(index, text) == []

    def test_index_and_dossier_render_in_chromium(self, seeds_run, tmp_path):
        index = seeds_run.out / "index.html"
        dom = chromium_dom(index, tmp_path)
        links = page_links(dom)
        assert len(links.images) >= 5
        assert all((seeds_run.out / src).exists() for src in links.images)
        assert broken_relative_links(index, dom) == []
        dossier = seeds_run.out / "reports" / "40-actor-profile--biden.html"
        dom = chromium_dom(dossier, tmp_path)
        assert "Joe Biden" in dom and "Tone toward the actor" in dom
        images = page_links(dom).images
        assert len(images) >= 2 and all(src.startswith("data:image/png;base64,") for src in images)
        assert broken_relative_links(dossier, dom) == []

    def test_rerun_reuses_the_cache_and_unchanged_runs_and_force_replaces_atomically(self, seeds_run, tmp_path):
        out = tmp_path / "again"
        first = run_report(corpus="seeds", codebook="seeds/actors.yaml", out=out, actors=["kirby"],
                           notebooks=["40"], progress=False)
        assert first.manifest["annotation"]["cache_keys"] == seeds_run.manifest["annotation"]["cache_keys"]
        assert first.manifest["timings"]["annotate"] < 5
        marker = out / "reports" / "40-actor-profile--kirby.html"
        before = marker.stat().st_mtime_ns
        second = run_report(corpus="seeds", codebook="seeds/actors.yaml", out=out, actors=["kirby"],
                            notebooks=["40"], replace=True, progress=False)
        assert second.ok and second.runs[0].reused and marker.stat().st_mtime_ns == before  # unchanged: reused
        forced = run_report(corpus="seeds", codebook="seeds/actors.yaml", out=out, actors=["kirby"],
                            notebooks=["40"], replace=True, force=True, progress=False)
        assert forced.ok and not forced.runs[0].reused and marker.stat().st_mtime_ns != before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["again"]


@pytest.mark.slow
def test_failure_isolation(tmp_path, capsys):
    """A broken corpus-level notebook and a dossier that fails for one actor: the rest finishes, exit 1."""
    broken = fixture_notebook(tmp_path / "05-broken.ipynb", body='raise RuntimeError("deliberately broken")')
    dossier = fixture_notebook(tmp_path / "45-picky.ipynb", actor=True,
                               body='if actor == "kirby":\n    raise ValueError(f"cannot profile {actor}")\n'
                                    'print("profiled", actor)')
    out = tmp_path / "run"
    code = main(["report", "--out", str(out), "--actors", "biden", "kirby", "--notebooks", str(broken),
                 str(dossier), "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert "FAILED 05-broken: cell In [3]: RuntimeError: deliberately broken" in err
    assert "FAILED 45-picky · kirby: cell In [3]: ValueError: cannot profile kirby" in err
    manifest = json.loads((out / "manifest.json").read_text())
    status = {r["name"]: r["status"] for r in manifest["runs"]}
    assert status == {"05-broken": "failed", "45-picky--biden": "ok", "45-picky--kirby": "failed"}
    assert {f["name"] for f in manifest["failures"]} == {"05-broken", "45-picky--kirby"}
    summary = pd.read_csv(out / "summary.csv").set_index("actor_id")
    assert summary.loc["kirby", "dossier_status"] == "failed" and summary.loc["biden", "dossier_status"] == "ok"
    index = (out / "index.html").read_text()
    assert "ValueError: cannot profile kirby" in index and "2 of 3 notebook run(s) failed" in index
    # the partly executed notebook is kept and exported, with the error in it
    assert "deliberately broken" in (out / "reports" / "05-broken.html").read_text()


@pytest.fixture(scope="module")
def q1_sample(tmp_path_factory):
    """30 Q1 articles (7 each naming Biden, Putin, Zelensky in the title, the rest random) as a CSV; one
    title holds a script tag."""
    require_shared("data", "ukraine_media_2022q1", "articles.csv")
    frame = pd.read_csv(Q1_CORPUS, dtype=str, keep_default_na=False)
    named = pd.concat([frame[frame["title"].str.contains(name)].head(7) for name in ("Biden", "Putin", "Zelensk")])
    named = named[~named.index.duplicated()]
    rest = frame.drop(named.index).sample(n=30 - len(named), random_state=0)
    sample = pd.concat([named, rest]).sort_index()
    first = sample.index[0]
    sample.loc[first, "title"] = PAYLOAD + " " + sample.loc[first, "title"]
    folder = tmp_path_factory.mktemp("q1")
    path = folder / "q1-sample.csv"
    sample.to_csv(path, index=False)
    return path


@pytest.mark.slow
@pytest.mark.shared
def test_q1_sample_with_three_actors(q1_sample, tmp_path):
    out = tmp_path / "q1run"
    result = run_report(corpus=q1_sample, codebook="seeds/actors.yaml", out=out,
                        actors=["biden", "putin", "zelenskyy"], notebooks=["00", "40"], jobs=2, progress=False)
    assert result.ok, result.describe()
    summary = pd.read_parquet(out / "summary.parquet").set_index("actor_id")
    assert (summary.loc[["biden", "putin", "zelenskyy"], "mentions"] > 0).all()
    assert summary["tone_mentions_scored"].gt(0).all()
    figures = json.loads((out / "figures" / "manifest.json").read_text())
    for actor in ("biden", "putin", "zelenskyy"):
        assert f"40-{actor}-salience-over-time" in figures
        assert f"40-{actor}-tone-over-time" in figures
        assert (out / "reports" / f"40-actor-profile--{actor}.html").exists()
    # the script tag in a title shows as text wherever it reaches HTML
    pages = [out / "index.html", *sorted((out / "reports").glob("*.html"))]
    shown = 0
    for page in pages:
        text = page.read_text()
        assert PAYLOAD not in text, page.name
        assert not re.search(r"<script>\s*alert", text), page.name
        shown += text.count("&lt;script&gt;alert")
    assert shown >= 1  # it is shown (escaped), not dropped


def test_figure_formats_reach_the_kernels(tmp_path, monkeypatch):
    """PNG and SVG by default, PDF too with ``pdf=True``: through the kernels' environment to the export."""
    from analysis.plots.export import FORMATS_VARIABLE, THUMBNAILS_VARIABLE, default_formats
    from analysis.report.batch import kernel_environment

    plain = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "a", notebooks=["00"])
    with_pdf = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "b", notebooks=["00"], pdf=True)
    assert kernel_environment(plain) == {FORMATS_VARIABLE: "png,svg"}
    assert kernel_environment(with_pdf) == {FORMATS_VARIABLE: "png,svg,pdf"}
    assert kernel_environment(plain, tmp_path / "run") == {FORMATS_VARIABLE: "png,svg",
                                                           THUMBNAILS_VARIABLE: str(tmp_path / "run" / "thumbnails")}
    monkeypatch.setenv(FORMATS_VARIABLE, "svg, PNG")
    assert default_formats() == ("png", "svg")
    monkeypatch.setenv(FORMATS_VARIABLE, "png,tiff")
    with pytest.raises(InputError, match="tiff"):
        default_formats()
    monkeypatch.delenv(FORMATS_VARIABLE)
    assert default_formats() == ("png", "svg", "pdf")


def test_summary_tone_is_the_cached_sentiment_layer(tmp_path):
    from analysis.report.summary import actor_summary
    from analysis.sentiment.tone import actor_tone
    from analysis.annotate.workspace import open_workspace

    plan = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "run", actors=["biden", "zelenskyy"],
                       notebooks=["00"])
    notes: list[str] = []
    table = actor_summary(plan, [], notes).set_index("actor_id")
    scores = open_workspace().table("mention_sentiment")
    expected = actor_tone(scores[scores["actor_id"] == "biden"]).iloc[0]
    assert table.loc["biden", "tone_mentions_scored"] == expected["n_mentions"] == 5
    assert table.loc["biden", "tone_mean"] == round(expected["mean"], 4)
    assert table.loc["zelenskyy", "tone_mentions_scored"] == 0 and pd.isna(table.loc["zelenskyy", "tone_mean"])
    assert notes == []
