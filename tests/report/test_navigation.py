"""Reading a report: contents and a back link on every page, a sortable actor table, small thumbnails,
quiet kernels, options recorded, and ad-hoc notebook runs that leave the tracked ``figures/`` alone.

Fast tests build pages from small literal notebooks and tables. Slow tests run a report on
a 20-outlet corpus built from the shared Q1 corpus (skipped without ``../shared``) with
``--column``, ``--from``, ``--outlets`` and ``-p``, open its index in headless Chromium
(sort the actor table, follow a dossier link and the dossier's link back), and run a
stored notebook with papermill as a user would.
"""

from __future__ import annotations

import json
import os
from html import escape
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.paths import ADHOC_RUNS, FIGURES, NOTEBOOKS, OUTPUT_ROOT_VARIABLE, PROJ_ROOT
from analysis.report.html import NO_ALT, accessible, export_html, render_index
from analysis.plots.export import THUMBNAIL_WIDTH
from analysis.report.pages import SORT_SCRIPT, add_navigation, headings, write_thumbnails
from analysis.report.summary import SUMMARY_COLUMNS, SUMMARY_DESCRIPTIONS
from test_batch import CHROMIUM, broken_relative_links, page_links
from twenty_outlets import OUTLETS, twenty_outlet_corpus

PAYLOAD = '<script>alert("pwn")</script>'


# --- fast: pages, index, thumbnails -------------------------------------------------------------


def small_notebook() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("# 99 · A report\n\nIntro."), new_markdown_cell("## Tone & trust\n\nText."),
        new_markdown_cell("### By outlet"), new_code_cell("1 + 1"),
        new_markdown_cell("## " + PAYLOAD.replace("<", "&lt;").replace(">", "&gt;"))])


def test_report_page_has_a_back_link_and_contents(tmp_path):
    page = export_html(small_notebook(), tmp_path / "reports" / "r.html", title="r", index="../index.html").read_text()
    nav = re.search(r'<nav class="report-nav".*?</nav>', page, re.S).group(0)
    assert '<a class="back" href="../index.html">' in nav
    found = headings(page)
    assert [(level, text) for level, _, text in found] == [(1, "99 · A report"), (2, "Tone & trust"),
                                                            (3, "By outlet"), (2, PAYLOAD)]
    for _, ident, _ in found:  # every contents entry points at a heading of the page
        assert f'id="{escape(ident)}"' in page and f'href="#{escape(ident)}"' in nav
    assert "¶" not in nav and PAYLOAD not in page and "Tone &amp; trust" in nav
    assert nav == page[page.index("<main>") + len("<main>"):].lstrip()[:len(nav)]  # first thing in the page


def test_page_without_index_keeps_its_contents(tmp_path):
    page = export_html(small_notebook(), tmp_path / "r.html", title="r").read_text()
    assert 'class="back"' not in page and "Contents" in page


def test_navigation_needs_the_report_template():
    with pytest.raises(ValueError, match="template"):
        add_navigation("<html><body><h2 id='x'>x</h2></body></html>", index="../index.html")


def test_accessible_adds_alt_text_and_tab_stops_as_nbconvert_does():
    page = ('<div class="jp-Cell-inputWrapper"><img src="data:image/png;base64,AAAA"><img alt="a map" src="m.png">'
            '</div><div class="jp-RenderedImage jp-OutputArea-output ">x</div>'
            '<div id="w1" class="jupyter-widgets jp-OutputArea-output">y</div><div class="jp-OutputArea">z</div>')
    assert accessible(page) == (
        '<div class="jp-Cell-inputWrapper" tabindex="0"><img alt="No description has been provided for this image" '
        'src="data:image/png;base64,AAAA"><img alt="a map" src="m.png"></div>'
        '<div class="jp-RenderedImage jp-OutputArea-output " tabindex="0">x</div>'
        '<div id="w1" class="jupyter-widgets jp-OutputArea-output" tabindex="0">y</div><div class="jp-OutputArea">z</div>')


@pytest.mark.parametrize("show_code", [False, True])
def test_report_exporter_gives_the_page_of_nbconvert_without_its_soup_pass(show_code):
    """The same document as ``HTMLExporter`` (which re-serialises through BeautifulSoup, attributes sorted)."""
    from bs4 import BeautifulSoup
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    from analysis.report.html import _TEMPLATE, _exporter

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    nb = small_notebook()
    nb.cells[3].outputs = [nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
                           nbformat.v4.new_output("stream", text="1 & 2 <b>\n")]
    settings = dict(template_file="report.html.j2", exclude_input=not show_code, exclude_input_prompt=not show_code,
                    exclude_output_prompt=True, embed_images=True)
    plain = HTMLExporter(extra_loaders=[DictLoader({"report.html.j2": _TEMPLATE})], **settings)
    expected, _ = plain.from_notebook_node(nbformat.from_dict(nb), resources={"metadata": {"name": "r"}})
    page, _ = _exporter(show_code).from_notebook_node(nbformat.from_dict(nb), resources={"metadata": {"name": "r"}})
    assert str(BeautifulSoup(page, features="html.parser")) == expected
    assert page.count('tabindex="0"') == expected.count('tabindex="0"') >= 2 and NO_ALT in page


def summary_rows() -> list[dict]:
    rows = []
    for i, (actor, label) in enumerate([("putin", "Vladimir Putin"), ("nato", "NATO"), ("eu", PAYLOAD)]):
        rows.append({"actor_id": actor, "label": label, "type": "person", "mentions": [120, 7, 33][i],
                     "articles_mentioning": [40, 5, 20][i], "articles_in_corpus": 100,
                     "share_articles": [0.4, 0.05, 0.2][i], "share_headline": 0.1, "tone_mean": [-0.2, 0.1, None][i],
                     "tone_ci_low": [-0.3, 0.0, None][i], "tone_ci_high": [-0.1, 0.2, None][i],
                     "dossier_html": f"reports/40--{actor}.html", "dossier_status": "ok"})
    return rows


def test_index_actor_table_is_sortable_without_network():
    page = render_index(title="t", parameters={}, runs=[], actors=summary_rows(), figures={}, files=[])
    table = re.search(r'<table class="sortable" id="actors">.*?</table>', page, re.S).group(0)
    assert table.count('<button type="button">') == 9 and table.count('data-type="number"') == 6
    assert 'data-sort="120.0"' in table and 'data-sort="-0.3"' in table
    assert f"<script>{SORT_SCRIPT}</script>" in page and "http" not in SORT_SCRIPT
    assert PAYLOAD not in page and "alert(" not in SORT_SCRIPT and not SORT_SCRIPT.startswith("document")


def test_index_shows_thumbnails_or_svg_never_the_print_png():
    figures = {"a": {"name": "a", "files": ["a.png", "a.svg", "a.pdf"], "notebook": "00", "caption": "A"},
               "b": {"name": "b", "files": ["b.png", "b.svg"], "notebook": "00", "caption": "B"}}
    page = render_index(title="t", parameters={}, runs=[], actors=[], figures=figures, files=[],
                        thumbnails={"a": "a.png"})
    assert page_links(page).images == ["thumbnails/a.png", "figures/b.svg"]
    assert '<a href="figures/a.png"><img src="thumbnails/a.png"' in page


def test_thumbnails_are_small_and_the_same_each_time(tmp_path):
    import matplotlib.pyplot as plt

    from analysis.plots.export import read_manifest, save_figure

    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    ax.barh([f"outlet {i}" for i in range(20)], range(20), color=[f"C{i % 10}" for i in range(20)])
    save_figure(fig, "bars", folder=tmp_path / "figures", notebook="99")
    manifest = read_manifest(tmp_path / "figures")
    first = write_thumbnails(tmp_path / "figures", manifest, tmp_path / "thumbs")
    data = (tmp_path / "thumbs" / "bars.png").read_bytes()
    assert first == {"bars": "bars.png"}
    write_thumbnails(tmp_path / "figures", manifest, tmp_path / "thumbs")
    assert (tmp_path / "thumbs" / "bars.png").read_bytes() == data

    from PIL import Image

    with Image.open(tmp_path / "thumbs" / "bars.png") as image:
        assert image.width == THUMBNAIL_WIDTH
    assert len(data) < min(40_000, (tmp_path / "figures" / "bars.png").stat().st_size)


def test_summary_columns_are_documented():
    assert SUMMARY_COLUMNS == list(SUMMARY_DESCRIPTIONS)
    assert "articles_mentioning" in SUMMARY_COLUMNS and "articles_in_corpus" in SUMMARY_COLUMNS
    assert not [c for c in SUMMARY_COLUMNS if c in ("articles", "n_articles") or c.startswith("n_")]


# --- slow: a 20-outlet report with options, in Chromium ----------------------------------------

ACTORS = ["biden", "putin", "zelenskyy"]
KEPT = list(OUTLETS[:15])


@pytest.fixture(scope="module")
def twenty_run(tmp_path_factory):
    """A report on 200 Q1 articles over 20 outlets: text column ``story``, February on, 15 outlets, monthly."""
    folder = tmp_path_factory.mktemp("twenty")
    corpus = twenty_outlet_corpus(folder, text_column="story")
    out = folder / "run"
    command = [sys.executable, "-m", "analysis", "report", "--corpus", str(corpus), "--out", str(out),
               "--column", "text=story", "--from", "2022-02-01", "--outlets", *KEPT, "-p", "period=M",
               "-p", "top_n=12", "--notebooks", "00", "40", "--actors", *ACTORS, "--jobs", "2"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJ_ROOT, timeout=900)
    return corpus, out, done


@pytest.mark.slow
@pytest.mark.shared
class TestTwentyOutlets:
    def test_run_succeeds_with_quiet_kernels(self, twenty_run):
        _, out, done = twenty_run
        assert done.returncode == 0, done.stderr[-3000:]
        assert "without encryption" not in done.stderr and "Traceback" not in done.stderr

    def test_options_are_recorded_and_applied(self, twenty_run):
        corpus, out, _ = twenty_run
        manifest = json.loads((out / "manifest.json").read_text())
        parameters = manifest["parameters"]
        assert parameters["columns"] == {"text": "story"} and parameters["from"] == "2022-02-01"
        assert parameters["to"] is None and parameters["outlets"] == KEPT and parameters["skip_invalid"] is False
        assert parameters["notebook_parameters"] == {"period": "M", "top_n": 12}
        expected = pd.read_csv(corpus, dtype=str).query("date >= '2022-02-01' and outlet in @KEPT")
        assert manifest["corpus"]["articles_read"] == 200
        assert manifest["corpus"]["articles_selected"] == len(expected)
        assert manifest["corpus"]["read_from"] == "corpus.jsonl"
        for run in manifest["runs"]:
            assert run["parameters"]["top_n"] == 12 and run["parameters"]["period"] == "M"
            nb = nbformat.read(out / run["ipynb"], as_version=4)
            assert nb.metadata.papermill.parameters["period"] == "M"
        lines = (out / "corpus.jsonl").read_text().splitlines()
        assert len(lines) == len(expected)
        assert {json.loads(line)["outlet"] for line in lines} <= set(KEPT)

    def test_summary_uses_the_selection_and_is_rounded(self, twenty_run):
        _, out, _ = twenty_run
        summary = pd.read_csv(out / "summary.csv")
        manifest = json.loads((out / "manifest.json").read_text())
        assert list(summary.columns) == SUMMARY_COLUMNS and summary["actor_id"].tolist() == ACTORS
        assert summary["articles_in_corpus"].eq(manifest["corpus"]["articles_selected"]).all()
        assert summary["articles_mentioning"].le(summary["articles_in_corpus"]).all()
        text = (out / "summary.csv").read_text()
        assert not re.search(r"\d\.\d{5,}", text), text

    def test_index_loads_small_images(self, twenty_run):
        _, out, _ = twenty_run
        images = page_links((out / "index.html").read_text()).images
        assert images and all(src.startswith("thumbnails/") for src in images)
        loaded = sum((out / src).stat().st_size for src in images)
        prints = sum(p.stat().st_size for p in (out / "figures").glob("*.png"))
        assert loaded * 4 < prints, (loaded, prints)
        assert broken_relative_links(out / "index.html", (out / "index.html").read_text()) == []

    def test_browser_sorts_the_actor_table_and_follows_the_back_link(self, twenty_run, tmp_path):
        _, out, _ = twenty_run
        log = browse(out / "index.html", tmp_path)
        summary = pd.read_csv(out / "summary.csv")
        by_mentions = summary.sort_values("mentions", ascending=False, kind="stable")["label"].tolist()
        assert log[0] == "index " + (out / "index.html").as_posix()
        assert log[1] == "sorted " + "|".join(by_mentions)  # first click on a number: largest first
        assert log[2] == "sorted " + "|".join(reversed(by_mentions))
        assert log[3].startswith("report ") and log[3].endswith(".html") and "/reports/40-actor-profile--" in log[3]
        assert log[4].startswith("contents ") and int(log[4].split()[1]) >= 3
        assert log[5] == "index " + (out / "index.html").as_posix(), log


#: A page that loads the index in a frame, clicks as a reader would, and writes what it saw into <pre>.
PROBE = """<!DOCTYPE html><html><body><iframe id="f" width="1200" height="900"></iframe><pre id="log"></pre>
<script>
(function () {
  var frame = document.getElementById("f"), log = [], step = 0;
  function labels(doc) {
    return Array.prototype.map.call(doc.querySelectorAll("#actors tbody tr"),
      function (row) { return row.cells[0].getAttribute("data-sort"); }).join("|");
  }
  frame.addEventListener("load", function () {
    var doc = frame.contentDocument, path = decodeURIComponent(frame.contentWindow.location.pathname);
    try {
      if (step === 0) {
        log.push("index " + path);
        var mentions = doc.querySelectorAll("#actors thead button")[2];
        mentions.click(); log.push("sorted " + labels(doc));
        mentions.click(); log.push("sorted " + labels(doc));
        step = 1; doc.querySelector("#actors tbody a").click();
      } else if (step === 1) {
        log.push("report " + path);
        log.push("contents " + doc.querySelectorAll("nav.report-nav .contents a").length);
        step = 2; doc.querySelector("nav.report-nav a.back").click();
      } else {
        log.push("index " + path);
      }
    } catch (error) { log.push("error " + error); }
    document.getElementById("log").textContent = log.join("\\n");
  });
  frame.src = "INDEX";
}());
</script></body></html>
"""


def browse(index: Path, tmp_path: Path) -> list[str]:
    """Chromium (headless) runs :data:`PROBE` on ``index``; the lines it logged."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs headless Chromium (Debian package 'chromium'; 'apt-get install -y chromium')")
    probe = tmp_path / "probe.html"
    probe.write_text(PROBE.replace("INDEX", index.as_uri()), encoding="utf-8")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--allow-file-access-from-files", f"--user-data-dir={tmp_path / 'profile'}",
               "--virtual-time-budget=15000", "--dump-dom", probe.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="log">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:]
    import html

    return html.unescape(found.group(1)).splitlines()


# --- slow: a stored notebook run with papermill, as the README shows ---------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_papermill_run_of_a_stored_notebook_leaves_figures_alone(tmp_path):
    before = snapshot(FIGURES)
    git = ["git", "-C", str(PROJ_ROOT), "status", "--porcelain", "--", "figures"]
    status = subprocess.run(git, capture_output=True, text=True).stdout
    env = {k: v for k, v in os.environ.items() if k != OUTPUT_ROOT_VARIABLE}  # as a user's shell has it
    command = [str(Path(sys.executable).parent / "papermill"), "notebooks/00-corpus-overview.ipynb",
               str(tmp_path / "out.ipynb"), "-p", "period", "M"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJ_ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert snapshot(FIGURES) == before
    assert subprocess.run(git, capture_output=True, text=True).stdout == status
    written = json.loads((ADHOC_RUNS / "figures" / "manifest.json").read_text())
    assert written["00-articles-over-time"]["parameters"]["period"] == "M"
    assert (NOTEBOOKS / "00-corpus-overview.ipynb").exists()
