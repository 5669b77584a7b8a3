"""Bad input reaching reports: hostile corpus and codebook text in the HTML pages, bad notebook parameters.

Each test is one kind: a field of the corpus or codebook (outlet, title, text, actor
label, alias) holding live markup, which every page must show as text and a browser
must not run; and a notebook parameter of the wrong type, range or value, which stops
the notebook in its first code cell with a one-line error naming it.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.paths import NOTEBOOKS
from analysis.report.batch import run_report
from analysis.report.notebooks import KERNEL

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: What a hostile field holds: a script and an image whose error handler runs, both changing the page.
ATTACK = ("<script>alert(1)</script><img src=x onerror=alert(2)>"
          "<script>document.title='pwned'</script><img src=x onerror=\"document.body.dataset.pwned='yes'\">")
#: field → the marker that field carries before the attack (to find where it reached).
MARKERS = {"outlet": "OUTLETX", "title": "TITLEX", "text": "TEXTX", "label": "LABELX", "alias": "ALIASX"}
LIVE = re.compile(r"<script>(?:alert|document)|<img src=x", re.IGNORECASE)


class _LiveMarkup(HTMLParser):
    """Elements of a page that would run the attack: an ``on...`` handler or a script calling it."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for key, value in attrs:
            if key.startswith("on") and value and re.search(r"alert|document", value):
                self.found.append(f"<{tag} {key}={value!r}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and re.search(r"alert\(|pwned", data):
            self.found.append(f"<script>{data[:80]}")


def live_markup(text: str) -> list[str]:
    """What of the attack is live markup in ``text``: literal tags (grep) and parsed handlers or scripts."""
    parser = _LiveMarkup()
    parser.feed(text)
    return LIVE.findall(text) + parser.found


def hostile(field: str) -> str:
    return f"{MARKERS[field]} {ATTACK}"


def write_hostile_inputs(folder: Path) -> tuple[Path, Path]:
    """A two-article CSV corpus and a codebook whose outlet, title, text, label and alias carry :data:`ATTACK`."""
    corpus = folder / "articles.csv"
    body = (f"Zorblax said the talks would go on. {hostile('text')} Zorblax added that NATO would meet.\n\n"
            f'"We will stay," Zorblax told reporters in Kyiv. Russia and NATO disagreed.')
    with corpus.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "outlet", "title", "text"])
        writer.writerow(["a1", "2022-02-01", hostile("outlet"), f"Zorblax meets NATO {hostile('title')}", body])
        writer.writerow(["a2", "2022-02-09", "Plain News", "Russia and Zorblax talk", body])
    codebook = folder / "actors.yaml"
    codebook.write_text(
        "actors:\n"
        "  - id: zorblax\n"
        f"    label: {yaml_quote(hostile('label'))}\n"
        "    type: person\n    gender: male\n"
        f"    aliases: [Zorblax, {yaml_quote(hostile('alias'))}]\n"
        "  - id: russia\n    label: Russia\n    type: country\n    aliases: [Russia]\n"
        "  - id: nato\n    label: NATO\n    type: organisation\n    aliases: [NATO]\n", encoding="utf-8")
    return corpus, codebook


def yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    corpus, codebook = write_hostile_inputs(folder)
    result = run_report(corpus=corpus, codebook=codebook, out=folder / "run", notebooks=["00", "20", "30"],
                        jobs=1, progress=False)
    pages = {p.relative_to(result.out).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(result.out.rglob("*.html"))}
    return result, pages


# --- hostile text in the pages ------------------------------------------------------------------


@pytest.mark.slow
class TestHostileCorpus:
    def test_report_ran_and_made_the_pages(self, hostile_run):
        result, pages = hostile_run
        assert result.ok, result.describe()
        for prefix in ("reports/00-", "reports/20-", "reports/30-"):
            assert any(name.startswith(prefix) for name in pages), sorted(pages)

    @pytest.mark.parametrize("field", sorted(MARKERS))
    def test_field_shows_as_text_never_as_markup(self, hostile_run, field):
        _, pages = hostile_run
        reached = [name for name, text in pages.items() if MARKERS[field] in text]
        if field != "alias":  # an alias is matched, not shown, unless a dossier runs
            assert reached, f"{field} reached no page: the test would prove nothing"
        live = {name: live_markup(text) for name, text in pages.items() if MARKERS[field] in text}
        assert not any(live.values()), live
        for name in reached:
            for line in pages[name].splitlines():
                if MARKERS[field] in line:
                    assert "&lt;script&gt;" in line or "&lt;img" in line or "&amp;lt;" in line, (name, line[:300])

    def test_no_page_has_live_markup(self, hostile_run):
        _, pages = hostile_run
        assert pages
        for name, text in pages.items():
            assert "<script>alert" not in text and "<img src=x" not in text, name
            assert not live_markup(text), (name, live_markup(text))

    def test_browser_runs_none_of_it(self, hostile_run, tmp_path):
        if not Path(CHROMIUM).exists():
            pytest.skip("needs headless Chromium (Debian package 'chromium'; 'apt-get install -y chromium')")
        result, pages = hostile_run
        for name in [n for n in pages if n.startswith(("reports/00-", "reports/30-", "reports/20-"))]:
            dom = chromium_dom(result.out / name, tmp_path)
            title = re.search(r"<title>(.*?)</title>", dom, re.S)
            assert title is None or "pwned" not in title.group(1), (name, title.group(1))
            assert not re.search(r"<body[^>]*data-pwned", dom), name
            assert MARKERS["outlet"] in dom or MARKERS["label"] in dom, name  # the text is there, as text


def chromium_dom(page: Path, tmp_path: Path) -> str:
    """The DOM of ``page`` after headless Chromium loaded it and ran its scripts."""
    profile = tmp_path / f"chromium-profile-{page.stem}"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{page.name}: Chromium did not finish (an alert() dialog of the page blocks it: a script ran)")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<body" in done.stdout, done.stderr[-2000:]
    return done.stdout


def test_chromium_check_sees_a_script_that_runs(tmp_path):
    """The browser test can fail: the same attack, unescaped, changes the dumped page."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs headless Chromium (Debian package 'chromium'; 'apt-get install -y chromium')")
    page = tmp_path / "raw.html"
    page.write_text("<!DOCTYPE html><html><head><title>report</title></head><body><p>"
                    "<script>document.title='pwned'</script><img src=x onerror=\"document.body.dataset.pwned='yes'\">"
                    "</p></body></html>", encoding="utf-8")
    dom = chromium_dom(page, tmp_path)
    assert "<title>pwned</title>" in dom and re.search(r"<body[^>]*data-pwned", dom), dom[:500]


# --- bad parameters stop the notebook in its first code cell -----------------------------------


def run_with(tmp_path: Path, notebook: Path, **parameters):
    """Run ``notebook`` with papermill; returns (error name, error value) of the failing cell, or None."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(str(notebook), str(tmp_path / "out.ipynb"), parameters=parameters,
                                   kernel_name=KERNEL, cwd=str(NOTEBOOKS), progress_bar=False)
    except PapermillExecutionError as error:
        return error.ename, error.evalue
    return None


@pytest.mark.parametrize("name, value, expected", [
    ("top_n", "abc", "expected a whole number ≥ 1, got 'abc'"),
    ("period", "Q5", "expected one of D, W, M, got 'Q5'"),
    ("sample", -5, "expected a whole number ≥ 0, got -5"),
])
def test_bad_parameter_stops_the_dossier_naming_it(tmp_path, name, value, expected):
    failed = run_with(tmp_path, NOTEBOOKS / "40-actor-profile.ipynb", actor="putin", **{name: value})
    assert failed is not None, "the notebook ran with a bad parameter"
    ename, evalue = failed
    assert ename == "InputError", failed
    assert evalue == f"40-actor-profile: parameter {name!r}: {expected}", evalue
    assert "\n" not in evalue


def test_list_parameter_given_as_text_is_a_list_of_ids(tmp_path):
    """``-p actors putin`` (a string) reaches the notebook as ["putin"], never as five letters."""
    source = nbformat.read(NOTEBOOKS / "00-corpus-overview.ipynb", as_version=4)
    probe = new_notebook(cells=[source.cells[1], new_code_cell(
        'from analysis.report.checks import check_parameters\n'
        'globals().update(check_parameters(globals(), notebook="00-corpus-overview"))\n'
        'assert actors == ["putin", "biden"], actors\n'
        'assert isinstance(top_n, int)')], metadata=source.metadata)
    path = tmp_path / "probe.ipynb"
    nbformat.write(probe, path)
    assert run_with(tmp_path, path, actors="putin, biden", top_n="4") is None
    failed = run_with(tmp_path, path, actors="[putin, [biden]]")
    assert failed and failed[0] == "InputError" and "parameter 'actors'" in failed[1], failed
