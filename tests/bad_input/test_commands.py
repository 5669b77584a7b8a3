"""Bad input to the commands and their Python API: one ``error:`` line, exit code 2, no user file changed.

One test per kind of bad input. Every test works on a copy of the seed corpus and codebook
(the "user's files", compared by hash before and after) and on a temporary annotation
cache (``MEDIA_ANALYSIS_CACHE``), never on the project's ``.cache``. Runs that must not
start work (a cluster, a report) have that work replaced by a tripwire, so that a
regression fails fast instead of hanging or running a whole report.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from badinput import Outcome, assert_one_line_error, run_cli, snapshot, write

from analysis.errors import InputError
from analysis.paths import SEEDS

GOOD = {"sentence_normalized": "Biden praised Zelensky for his courage.",
        "targets": [{"from": 0, "to": 5, "mention": "Biden", "polarity": 4.0},
                    {"from": 14, "to": 22, "mention": "Zelensky", "polarity": 6.0}]}


class User:
    """The user's files: a copy of the seed corpus and codebook, with their hashes at the start."""

    def __init__(self, root: Path):
        self.root = root
        self.corpus = root / "corpus"
        shutil.copytree(SEEDS, self.corpus)
        self.codebook = self.corpus / "actors.yaml"
        self.out = root / "out"
        self.before = snapshot(root)

    def unchanged(self) -> bool:
        """No file the user had was changed, removed or added (outputs go outside ``root``)."""
        return snapshot(self.root) == self.before

    def annotate(self, *options: str, out: Path | None = None) -> list[str]:
        """``annotate`` arguments on the user's corpus with the base layers only (fast)."""
        return ["annotate", "--corpus", str(self.corpus), "--codebook", str(self.codebook),
                "--out", str(out or self.out), "--quiet", *options, "--layers"]

    def report(self, *options: str) -> list[str]:
        return ["report", "--corpus", str(self.corpus), "--codebook", str(self.codebook),
                "--out", str(self.out), "--quiet", *options]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary annotation cache for the test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", str(folder))
    return folder


@pytest.fixture
def user(tmp_path: Path, cache: Path) -> User:
    return User(tmp_path / "user")


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting a Dask cluster or a report's annotation is a failure (the input should be refused first)."""
    from analysis.annotate import engines
    from analysis.report import batch

    def tripwire(*args: object, **kwargs: object) -> None:
        raise AssertionError("work started before the bad input was refused")

    monkeypatch.setattr(engines, "dask_client", tripwire)
    monkeypatch.setattr(batch, "warm_cache", tripwire)


def refused(outcome: Outcome, user: User, *names: str) -> str:
    """One error line naming ``names``, exit code 2, no output folder and no user file changed."""
    line = assert_one_line_error(outcome, *names)
    assert not user.out.exists()
    assert user.unchanged()
    return line


def articles(user: User):
    from analysis.corpus.reader import read_corpus

    return read_corpus(user.corpus).articles


def codebook(user: User):
    from analysis.corpus.codebook import load_codebook

    return load_codebook(user.codebook)


def api_error(call, user: User, *names: str) -> str:
    """The API call raises an :class:`InputError` whose one-line message names ``names``; no user file changed."""
    with pytest.raises(InputError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message
    for name in names:
        assert name in message, (name, message)
    assert user.unchanged()
    return message


# --- counts: --workers, --jobs, --min-count, --top-n ---------------------------------------------


def test_workers_zero_is_not_all_cores(user, capsys, no_work):
    refused(run_cli(capsys, *user.annotate("--engine", "processes", "--workers", "0")), user, "--workers", "'0'")


def test_negative_dask_workers_is_refused_not_a_hang(user, capsys, no_work):
    refused(run_cli(capsys, *user.annotate("--engine", "dask", "--workers", "-2")), user, "--workers", "'-2'")


def test_negative_process_workers_is_one_line(user, capsys, no_work):
    refused(run_cli(capsys, *user.annotate("--engine", "processes", "--workers", "-1")), user, "--workers", "'-1'")


def test_workers_not_a_number(user, capsys, no_work):
    refused(run_cli(capsys, *user.annotate("--workers", "abc")), user, "--workers", "'abc'", "positive whole number")


def test_api_workers_zero(user, cache):
    from analysis.annotate.pipeline import annotate_corpus

    api_error(lambda: annotate_corpus(articles(user), codebook(user), workers=0, progress=False),
              user, "workers", "positive whole number", "0")
    assert not cache.exists()


def test_jobs_zero(user, capsys, no_work):
    refused(run_cli(capsys, *user.report("--jobs", "0")), user, "--jobs", "'0'")


def test_jobs_negative(user, capsys, no_work):
    refused(run_cli(capsys, *user.report("--jobs", "-1")), user, "--jobs", "'-1'")


def test_api_jobs_zero(user, no_work):
    from analysis.report.batch import run_report

    api_error(lambda: run_report(corpus=user.corpus, codebook=user.codebook, out=user.out, jobs=0, progress=False),
              user, "jobs", "0")
    assert not user.out.exists()


def test_candidates_negative_min_count(user, capsys):
    outcome = run_cli(capsys, "candidates", "--corpus", user.corpus, "--codebook", user.codebook, "--min-count", "-5")
    refused(outcome, user, "--min-count", "'-5'")
    assert outcome.out == ""


def test_candidates_negative_top_n(user, capsys):
    outcome = run_cli(capsys, "candidates", "--corpus", user.corpus, "--codebook", user.codebook,
                      "--top-n", "-3", "--min-count", "-5")
    refused(outcome, user, "--top-n", "'-3'")
    assert outcome.out == ""


# --- actors and notebooks of a report -------------------------------------------------------------


def test_api_empty_actor_list(user, no_work):
    from analysis.report.batch import run_report

    api_error(lambda: run_report(corpus=user.corpus, codebook=user.codebook, out=user.out, actors=[],
                                 progress=False), user, "actors", "leave it out")
    assert not user.out.exists()


def test_actors_option_without_ids(user, capsys, no_work):
    refused(run_cli(capsys, *user.report("--actors")), user, "--actors", "leave it out")


def test_unknown_actor_id(user, capsys, no_work):
    refused(run_cli(capsys, *user.report("--actors", "biden", "nobody")), user, "--actors", "nobody",
            str(user.codebook))


def test_unknown_notebook_prefix(user, capsys, no_work):
    refused(run_cli(capsys, *user.report("--notebooks", "99")), user, "--notebooks", "'99'")


# --- other options -------------------------------------------------------------------------------


def test_column_without_equals(user, capsys):
    refused(run_cli(capsys, *user.annotate("--column", "body")), user, "--column", "'body'", "FIELD=COLUMN")


def test_column_unknown_field(user, capsys):
    refused(run_cli(capsys, *user.annotate("--column", "headline=title")), user, "--column", "headline", "text")


def test_unknown_command_option(user, capsys):
    refused(run_cli(capsys, *user.annotate("--wrokers", "2")), user, "--wrokers")


def test_unknown_layer(user, capsys):
    line = refused(run_cli(capsys, *user.annotate()[:-1], "--layers", "frames", "bogus"), user, "--layers", "'bogus'")
    for known in ("frames", "quotes", "roles", "labels", "sentiment"):
        assert known in line


def test_api_unknown_layer(user, cache):
    from analysis.annotate.pipeline import Settings, annotate_corpus

    api_error(lambda: annotate_corpus(articles(user), codebook(user), settings=Settings(layers=("bogus",)),
                                      progress=False), user, "'bogus'", "known layers", "sentiment")
    assert not cache.exists()


def test_unreachable_dask_scheduler(user, capsys, monkeypatch):
    from analysis.annotate import engines

    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", 1, raising=False)  # the default (5 s) is what a user waits at most
    started = time.perf_counter()
    outcome = run_cli(capsys, *user.annotate("--engine", "dask", "--dask-address", "tcp://127.0.0.1:1"))
    refused(outcome, user, "--dask-address", "tcp://127.0.0.1:1", "could not be reached")
    assert time.perf_counter() - started < 15


def test_api_unreachable_dask_scheduler(user, monkeypatch):
    from analysis.annotate import engines
    from analysis.annotate.pipeline import annotate_corpus

    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", 1, raising=False)
    api_error(lambda: annotate_corpus(articles(user), codebook(user), engine="dask", dask_address="tcp://127.0.0.1:1",
                                      cache=False, progress=False), user, "tcp://127.0.0.1:1", "could not be reached")


# --- a damaged annotation cache: discarded, rebuilt, one warning --------------------------------


def damaged_cache_run(user: User, cache: Path, capsys, damage, reason: str) -> None:
    """Annotate once, ``damage`` the cache entry, annotate again: one warning, the same tables as before."""
    first, second = user.root.parent / "first", user.root.parent / "second"
    assert run_cli(capsys, *user.annotate(out=first)).code == 0
    (entry,) = (cache / "annotations").iterdir()
    damage(entry)
    outcome = run_cli(capsys, *user.annotate(out=second))
    assert outcome.code == 0, outcome.err
    assert "Traceback" not in outcome.err and not outcome.error_lines
    warnings = [line for line in outcome.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, outcome.err
    assert f"damaged annotation cache entry {entry} (" in warnings[0] and reason in warnings[0], warnings[0]
    assert warnings[0].endswith("; rebuilding")
    for table in ("sentences", "tokens", "mentions"):
        assert (first / f"{table}.parquet").read_bytes() == (second / f"{table}.parquet").read_bytes(), table
    third = run_cli(capsys, *user.annotate(out=user.root.parent / "third"))  # the rebuilt entry is whole
    assert third.code == 0 and "warning:" not in third.err, third.err
    assert user.unchanged()


def test_cache_truncated_parquet(user, cache, capsys):
    def truncate(entry: Path) -> None:
        path = entry / "tokens.parquet"
        path.write_bytes(path.read_bytes()[:200])

    damaged_cache_run(user, cache, capsys, truncate, "tokens.parquet unreadable")


def test_cache_bad_manifest_json(user, cache, capsys):
    damaged_cache_run(user, cache, capsys, lambda entry: write(entry / "manifest.json", '{"tables": ['),
                      "manifest.json unreadable")


def test_cache_deleted_table(user, cache, capsys):
    damaged_cache_run(user, cache, capsys, lambda entry: (entry / "mentions.parquet").unlink(),
                      "mentions.parquet missing")


def test_cache_row_count_differs_from_manifest(user, cache, capsys):
    def shorten(entry: Path) -> None:  # a whole Parquet file, but not the table the manifest recorded
        import pandas as pd

        pd.read_parquet(entry / "sentences.parquet").head(3).to_parquet(entry / "sentences.parquet", index=False)

    damaged_cache_run(user, cache, capsys, shorten, "sentences.parquet has 3 rows")


# --- evaluate sentiment FILE ---------------------------------------------------------------------


def evaluate(capsys, path: Path) -> Outcome:
    return run_cli(capsys, "evaluate", "sentiment", path)


def test_evaluate_not_utf8(user, capsys):
    good = json.dumps(GOOD).encode()
    path = write(user.root / "labels.jsonl", good + b"\n" + good.replace(b"courage", b"coura\xe7e") + b"\n")
    user.before = snapshot(user.root)
    offset = len(good) + 1 + good.index(b"courage") + 5
    refused(evaluate(capsys, path), user, str(path), "line 2", f"byte offset {offset}", "UTF-8")


def test_evaluate_missing_file(user, capsys):
    path = user.root / "no-such-file.jsonl"
    refused(evaluate(capsys, path), user, str(path), "not found")


def test_evaluate_without_a_file(user, capsys):
    refused(run_cli(capsys, "evaluate", "sentiment"), user, "required", "file")


def test_evaluate_empty_file(user, capsys):
    path = write(user.root / "empty.jsonl", "")
    user.before = snapshot(user.root)
    refused(evaluate(capsys, path), user, str(path), "at least one record")


def test_evaluate_line_not_an_object(user, capsys):
    path = write(user.root / "labels.jsonl", json.dumps(GOOD) + "\n[1, 2]\n")
    user.before = snapshot(user.root)
    refused(evaluate(capsys, path), user, str(path), "line 2", "a JSON object")
