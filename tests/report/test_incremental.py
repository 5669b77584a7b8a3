"""Incremental reports (analysis.report.incremental): keys, what is reused, and that reuse changes no output.

Fast tests compute keys on ``seeds/`` without a kernel: a parameter or notebook change moves
only its runs' keys; adding an actor to the codebook moves the corpus-level keys and no other
actor's dossier key (the seed article does not involve the new actor with the others); a
changed alias moves that actor's key. Slow tests run real batches of two notebooks: a re-run
reuses every run; after adding an actor only the corpus-level notebook and the new dossier
execute; the reused folder and a forced (non-incremental) run hold the same files with the
same bytes; an edited output or a user's file is never silently reused or lost.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from analysis.paths import DEFAULT_CODEBOOK, NOTEBOOKS, SEEDS
from analysis.report.batch import run_report
from analysis.report.incremental import (Previous, actor_inputs, code_digest, file_stamps, run_keys, scoped,
                                         unstage)
from analysis.report.plan import plan_report
from analysis.report.summary import input_hashes, package_versions

#: An actor the seed article names (ABC News) that the seed codebook does not have.
NEW_ACTOR = "  - id: abc_news\n    label: ABC News\n    type: outlet\n    aliases: [ABC News]\n"
ACTORS = ["biden", "kirby"]


def codebook_with(tmp_path: Path, extra: str = "", *, name: str = "actors.yaml", edit=None) -> Path:
    text = DEFAULT_CODEBOOK.read_text(encoding="utf-8")
    if edit is not None:
        text = edit(text)
    path = tmp_path / name
    path.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    return path


def keys_of(tmp_path: Path, *, codebook: Path = DEFAULT_CODEBOOK, actors=ACTORS, notebooks=("00", "40"),
            parameters=None) -> dict[str, str]:
    """Run name → key of a planned seeds report (the annotation warmed as the batch does)."""
    from analysis.report.batch import warm_cache

    plan = plan_report(corpus=SEEDS, codebook=codebook, out=tmp_path / "run", actors=actors,
                       notebooks=list(notebooks), parameters=parameters)
    staging = tmp_path / ".run.partial"
    annotation = warm_cache(plan, progress=False)
    return run_keys(plan, staging=staging, annotation_keys=annotation, inputs=input_hashes(plan),
                    packages=package_versions())


# --- fast: keys ---------------------------------------------------------------------------------


class TestKeys:
    def test_same_inputs_same_keys(self, tmp_path):
        book = codebook_with(tmp_path)
        first, second = keys_of(tmp_path, codebook=book), keys_of(tmp_path, codebook=book)
        assert first == second
        assert sorted(first) == ["00-corpus-overview", "40-actor-profile--biden", "40-actor-profile--kirby"]
        assert len(set(first.values())) == 3

    def test_staging_path_is_not_part_of_the_key(self, tmp_path):
        plan = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "run", actors=ACTORS,
                           notebooks=["00"])
        keys = []
        for staging in (tmp_path / ".a", tmp_path / ".b"):
            for run in plan.runs:
                run.parameters["figures_dir"] = str(staging / "figures")
            keys.append(run_keys(plan, staging=staging, annotation_keys=["k"], inputs=input_hashes(plan),
                                 packages={"pandas": "1"}))
        assert keys[0] == keys[1]

    def test_a_parameter_moves_the_keys_of_the_notebooks_that_take_it(self, tmp_path):
        book = codebook_with(tmp_path)
        before = keys_of(tmp_path, codebook=book)
        after = keys_of(tmp_path, codebook=book, parameters={"kwic_lines": 4})  # declared by the dossier only
        assert after["00-corpus-overview"] == before["00-corpus-overview"]
        assert after["40-actor-profile--biden"] != before["40-actor-profile--biden"]
        assert after["40-actor-profile--kirby"] != before["40-actor-profile--kirby"]

    def test_an_added_actor_moves_the_corpus_keys_and_no_other_dossier(self, tmp_path):
        """The codebook file edited in place (its path is a parameter, shown in the figures' manifest)."""
        before = keys_of(tmp_path, codebook=codebook_with(tmp_path))
        book = codebook_with(tmp_path, NEW_ACTOR)
        after = keys_of(tmp_path, codebook=book, actors=[*ACTORS, "abc_news"])
        assert after["00-corpus-overview"] != before["00-corpus-overview"]
        assert after["40-actor-profile--biden"] == before["40-actor-profile--biden"]
        assert after["40-actor-profile--kirby"] == before["40-actor-profile--kirby"]
        assert "40-actor-profile--abc-news" in after

    def test_an_actor_whose_rows_change_is_keyed_anew(self, tmp_path):
        """Kirby's alias list edited: its mentions change, so its dossier's key; Biden's stays."""
        before = keys_of(tmp_path, codebook=codebook_with(tmp_path))
        book = codebook_with(tmp_path, edit=lambda text: text.replace("aliases: [John Kirby, Kirby]",
                                                                    "aliases: [John Kirby]"))
        assert book.read_text() != DEFAULT_CODEBOOK.read_text(), "the seed codebook changed: update the edit"
        after = keys_of(tmp_path, codebook=book)
        assert after["40-actor-profile--kirby"] != before["40-actor-profile--kirby"]
        assert after["40-actor-profile--biden"] == before["40-actor-profile--biden"]

    def test_a_colour_given_to_an_actor_moves_its_key(self, tmp_path):
        from analysis.annotate.workspace import open_workspace

        book = codebook_with(tmp_path, edit=lambda text: text.replace('colour: "#8c2d04"', 'colour: "#000000"', 1))
        first = actor_inputs(open_workspace(codebook=DEFAULT_CODEBOOK), ["putin", "biden"])
        second = actor_inputs(open_workspace(codebook=book), ["putin", "biden"])
        assert first["putin"] != second["putin"] and first["biden"] == second["biden"]

    def test_a_notebook_outside_the_suite_is_keyed_by_the_whole_codebook(self, tmp_path):
        import nbformat

        copy = tmp_path / "45-my-dossier.ipynb"
        nbformat.write(nbformat.read(NOTEBOOKS / "40-actor-profile.ipynb", as_version=4), copy)
        plan = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "run", actors=ACTORS,
                           notebooks=[str(copy), "40"])
        assert [scoped(run) for run in plan.runs] == [False, False, True, True]
        before = keys_of(tmp_path, codebook=codebook_with(tmp_path), notebooks=(str(copy),))
        after = keys_of(tmp_path, codebook=codebook_with(tmp_path, NEW_ACTOR), notebooks=(str(copy),))
        assert all(after[name] != before[name] for name in before)

    def test_code_digest_covers_resources(self):
        assert len(code_digest()) == 64 and code_digest() == code_digest()


def test_unstage_rewrites_only_paths_under_the_staging_folder(tmp_path):
    staging = tmp_path / ".run.partial-x"
    value = {"figures_dir": str(staging / "figures"), "corpus": [str(staging), str(tmp_path / "other")],
             "near": str(staging) + "-not", "n": 3}
    assert unstage(value, staging, "<run>") == {"figures_dir": "<run>/figures",
                                               "corpus": ["<run>", str(tmp_path / "other")],
                                               "near": str(staging) + "-not", "n": 3}


def test_file_stamps_skip_links_and_missing_files(tmp_path):
    (tmp_path / "a.txt").write_text("abc")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    stamps = file_stamps(tmp_path, ["a.txt", "b.txt", "c.txt"])
    assert list(stamps) == ["a.txt"] and stamps["a.txt"][0] == 3


# --- slow: real batches -------------------------------------------------------------------------


def report(out: Path, *, codebook: Path, actors=ACTORS, **options):
    return run_report(corpus=SEEDS, codebook=codebook, out=out, actors=actors, notebooks=["00", "40"], jobs=2,
                      progress=False, **options)


def contents(folder: Path) -> dict[str, bytes]:
    """Relative path → bytes of every file of a run folder but its manifest and index (they hold timings)."""
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    return {name: path.read_bytes() for name, path in files.items() if name not in ("manifest.json", "index.html")}


def assert_same_outputs(reused: dict[str, bytes], forced: dict[str, bytes]) -> None:
    assert sorted(reused) == sorted(forced)
    different = [name for name in reused if reused[name] != forced[name]]
    assert different == [], different


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A report of two notebooks (00, 40 for biden and kirby) with a copy of the seed codebook."""
    folder = tmp_path_factory.mktemp("incremental")
    book = codebook_with(tmp_path_factory.mktemp("codebook"))  # a copy: the test edits none, nor sees edits
    result = report(folder / "run", codebook=book)
    assert result.ok, result.describe()
    return folder, result, book


@pytest.mark.slow
class TestReuse:
    def test_unchanged_rerun_reuses_every_run(self, first_run):
        folder, first, book = first_run
        before = contents(first.out)
        again = report(first.out, codebook=book, replace=True)
        assert again.ok and [run.reused for run in again.runs] == [True, True, True], again.describe()
        manifest = json.loads((again.out / "manifest.json").read_text())
        assert manifest["reused"] == 3 and all(r["reused"] for r in manifest["runs"])
        assert {r["name"]: r["key"] for r in manifest["runs"]} == {r.name: r.key for r in first.runs}
        assert_same_outputs(contents(again.out), before)
        assert "ok</span> (reused)" in (again.out / "index.html").read_text()
        assert sorted(p.name for p in folder.iterdir()) == ["run"]  # no staging or retired folder left

    def test_added_actor_runs_the_corpus_notebook_and_its_dossier_only_and_matches_a_forced_run(self, tmp_path):
        out = tmp_path / "run"
        report(out, codebook=codebook_with(tmp_path))
        book = codebook_with(tmp_path, NEW_ACTOR)  # the same file, edited
        added = report(out, codebook=book, actors=[*ACTORS, "abc_news"], replace=True)
        assert added.ok, added.describe()
        assert {run.name: run.reused for run in added.runs} == {
            "00-corpus-overview": False, "40-actor-profile--biden": True, "40-actor-profile--kirby": True,
            "40-actor-profile--abc-news": False}
        reused = contents(out)
        forced = report(out, codebook=book, actors=[*ACTORS, "abc_news"], replace=True, force=True)
        assert not any(run.reused for run in forced.runs)
        assert_same_outputs(reused, contents(out))
        assert {"figures/40-biden-keyness.png", "figures/40-biden-keyness.svg", "figures/40-biden-keyness.csv",
                "figures/manifest.json", "summary.csv", "notebooks/40-actor-profile--kirby.ipynb",
                "reports/40-actor-profile--biden.html", "thumbnails/40-biden-keyness.png"} <= set(reused)
        assert not any(name.endswith(".pdf") for name in reused)  # PDF only with pdf=True

    def test_an_edited_output_is_not_reused(self, tmp_path):
        out, book = tmp_path / "run", codebook_with(tmp_path)
        report(out, codebook=book)
        page = out / "reports" / "40-actor-profile--kirby.html"
        page.write_text(page.read_text() + "<!-- edited -->")
        again = report(out, codebook=book, replace=True)
        assert {run.name: run.reused for run in again.runs} == {
            "00-corpus-overview": True, "40-actor-profile--biden": True, "40-actor-profile--kirby": False}
        assert "<!-- edited -->" not in page.read_text()

    def test_a_users_file_stops_the_replacement_and_stays(self, first_run, tmp_path):
        from analysis.errors import InputError

        folder, first, book = first_run
        out = tmp_path / "run"
        shutil.copytree(first.out, out, copy_function=shutil.copy2)
        (out / "figures" / "my-notes.txt").write_text("mine")
        before = contents(out)
        with pytest.raises(InputError, match="my-notes.txt"):
            report(out, codebook=book, replace=True)
        assert contents(out) == before and (out / "figures" / "my-notes.txt").read_text() == "mine"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]

    def test_without_replace_nothing_is_touched(self, first_run):
        from analysis.errors import InputError

        folder, first, book = first_run
        stamps = {p: os.stat(p).st_mtime_ns for p in first.out.rglob("*")}
        with pytest.raises(InputError, match="--replace"):
            report(first.out, codebook=book)
        assert {p: os.stat(p).st_mtime_ns for p in first.out.rglob("*")} == stamps

    def test_previous_refuses_a_failed_or_rekeyed_run(self, first_run):
        folder, first, book = first_run
        previous = Previous.read(first.out)
        run = first.runs[0]
        assert previous.usable(run, run.key) is not None
        assert previous.usable(run, "other key") is None
        previous.runs[run.name] = {**previous.runs[run.name], "status": "failed"}
        assert previous.usable(run, run.key) is None


def test_only_notebooks_whose_inputs_are_known_are_reused(tmp_path):
    import nbformat

    from analysis.report.incremental import reusable

    copy = tmp_path / "40-actor-profile.ipynb"  # the suite's dossier, but somewhere else: the user's
    nbformat.write(nbformat.read(NOTEBOOKS / "40-actor-profile.ipynb", as_version=4), copy)
    plan = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "run", actors=["biden"],
                       notebooks=["00", "40", str(copy)])
    assert [reusable(run) for run in plan.runs] == [True, True, False]


def test_the_validation_appendix_is_reused_when_the_files_it_reads_are_unchanged(tmp_path):
    from analysis.report.incremental import reusable
    from analysis.report.validation_inputs import ValidationInputs, input_digests, shown_path

    plan = plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=tmp_path / "run", actors=["biden"], notebooks=["50"])
    assert [reusable(run) for run in plan.runs] == [True]
    sample = tmp_path / "pronoun_sample.csv"
    sample.write_text("article_id,start\n", encoding="utf-8")
    inputs = ValidationInputs.at(shared_data=tmp_path / "absent", pronoun_sample=sample)
    before = input_digests(inputs)
    assert before[shown_path(tmp_path / "absent" / "newsmtsc" / "devtest_mt.jsonl")] == "absent"
    assert input_digests(inputs) == before
    sample.write_text("article_id,start\na1,3\n", encoding="utf-8")
    after = input_digests(inputs)
    assert after[shown_path(sample)] != before[shown_path(sample)]
    assert {k for k in after if after[k] != before[k]} == {shown_path(sample)}


def test_validation_key_moves_with_its_data_folder(tmp_path):
    other = tmp_path / "data"
    (other / "newsmtsc").mkdir(parents=True)
    first = keys_of(tmp_path, notebooks=("50",))
    moved = keys_of(tmp_path, notebooks=("50",), parameters={"shared_data": str(other)})
    (other / "newsmtsc" / "devtest_mt.jsonl").write_text("{}\n", encoding="utf-8")
    filled = keys_of(tmp_path, notebooks=("50",), parameters={"shared_data": str(other)})
    assert len({first["50-validation"], moved["50-validation"], filled["50-validation"]}) == 3


def test_article_rows_take_what_a_boolean_selection_takes():
    """The dossier's per-article row index (analysis.report.dossier.ArticleRows) changes no row and no order."""
    import pandas as pd

    from analysis.report.dossier import ArticleRows

    frame = pd.DataFrame({"article_id": pd.Series(["b", "a", "b", "c", "a", "d"], dtype="str"),
                          "x": [1, 2, 3, 4, 5, 6]})
    rows = ArticleRows(frame)
    for ids in (["a"], ["b", "a"], ["c", "zz"], [], pd.Series(["d", "b", "b"])):
        expected = frame[frame["article_id"].isin(list(ids))].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows.take(ids), expected)


def test_sentence_rows_take_what_a_boolean_selection_takes():
    """The dossier's row index by sentence (analysis.report.dossier.ArticleRows.take_sentences) changes no
    row and no order."""
    import pandas as pd

    from analysis.report.dossier import ArticleRows

    frame = pd.DataFrame({"article_id": pd.Series(["b", "a", "b", "b", "a", "d", "a"], dtype="str"),
                          "sentence_id": [2, 0, 0, 2, 1, 0, 0], "x": [1, 2, 3, 4, 5, 6, 7]})
    rows = ArticleRows(frame)
    for articles, sentences in ((["a"], [0]), (["b", "a", "a"], [2, 1, 0]), (["c", "b", "d"], [0, 7, 0]),
                                ([], []), (pd.Series(["b", "b"]), pd.Series([0, 0]))):
        wanted = set(zip(articles, sentences))
        expected = frame[[pair in wanted for pair in zip(frame["article_id"], frame["sentence_id"])]]
        pd.testing.assert_frame_equal(rows.take_sentences(articles, sentences), expected.reset_index(drop=True))
    assert rows.take_sentences(["b"], [2])["x"].tolist() == [1, 4]


def test_a_manifest_that_points_outside_the_run_is_not_followed(tmp_path):
    from analysis.report.incremental import _plain

    assert _plain("figures/a.png", parts=2) and _plain("a.png", parts=1)
    for name in ("../x", "figures/../../x", "/etc/passwd", "figures/sub/a.png", "other/a.png", "a\\..\\b", "", 3):
        assert not _plain(name, parts=2), name
    assert not _plain("../a.png", parts=1) and not _plain("sub/a.png", parts=1)


def test_files_the_run_did_not_write_are_found_in_its_subfolders(tmp_path):
    """plan.foreign_files: what --replace would delete that no manifest accounts for (then it refuses)."""
    from analysis.report.plan import foreign_files
    from analysis.store import output_marker

    out = tmp_path / "run"
    for sub in ("notebooks", "reports", "figures", "thumbnails"):
        (out / sub).mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({**output_marker("report"), "runs": [{"name": "00-x"}]}))
    (out / "figures" / "manifest.json").write_text(json.dumps({"f": {"files": ["f.png", "f.svg", "f.csv"]}}))
    for name in ("notebooks/00-x.ipynb", "reports/00-x.html", "figures/f.png", "figures/f.svg", "figures/f.csv",
                 "thumbnails/f.png", "figures/.DS_Store"):
        (out / name).write_text("x")
    assert foreign_files(out) == []
    (out / "figures" / "my-notes.txt").write_text("mine")
    (out / "reports" / "drafts").mkdir()
    (out / "thumbnails" / "f.svg").write_text("x")
    assert foreign_files(out) == ["reports/drafts", "figures/my-notes.txt", "thumbnails/f.svg"]
    with pytest.raises(Exception, match="my-notes.txt"):
        plan_report(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, out=out, notebooks=["00"], replace=True)
