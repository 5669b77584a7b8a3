"""Candidate discovery measured on the Q1 corpus (bench/bench_candidates.py prints the details).

Goals (issue 16): with an empty codebook, every actor of seeds/actors.yaml is among the top 60
candidates, in one row each; at least 80% of the top 50 are real actors by the hand labels of
tests/corpus/q1_candidate_labels.csv (labelled after reading the output; rubric in the bench
script's docstring).
"""

from __future__ import annotations

import pandas as pd
import pytest

from bench_candidates import LABELS, PRECISION_TOP, RECALL_TOP, precision, recall
from conftest import require_shared

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def top(q1_articles):
    from analysis.corpus.candidates import candidate_actors

    require_shared("data", "ukraine_media_2022q1", "articles.csv")
    return candidate_actors(q1_articles, None, top_n=RECALL_TOP)


def test_every_seed_actor_is_proposed_in_one_row(top, seed_codebook):
    found = recall(top, seed_codebook)
    print(f"\nrecall in the top {RECALL_TOP}: {found['found'].mean():.0%}, in one row: {found['one_row'].mean():.0%}")
    missed = found[~found["one_row"]]
    assert missed.empty, f"not in exactly one of the top {RECALL_TOP} rows:\n{missed.to_string(index=False)}"


def test_the_top_50_are_real_actors(top):
    result = precision(top, pd.read_csv(LABELS, keep_default_na=False))
    print(f"\nprecision of the top {PRECISION_TOP}: {result['strict']:.0%} actors ({result['lenient']:.0%} actors "
          f"or places), {result['merge_ok']:.0%} of rows with every variant right; unlabelled: {result['unlabelled']}")
    assert result["strict"] >= 0.8, result
