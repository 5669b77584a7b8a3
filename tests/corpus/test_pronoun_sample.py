"""Rule 10 on the hand-labelled pronoun sample of the Q1 corpus (tests/corpus/pronoun_sample.csv).

130 pronoun mentions drawn at random (seed 2022) from every pronoun mention the rules found in
the Q1 corpus (``python bench/pronoun_sample.py draw``), each labelled by reading its context,
blind to the prediction, with the codebook actor it refers to or ``other``. The rules were not
changed after the labels were read: this is the measurement, not a tuning set.
"""

from __future__ import annotations

import sys

import pandas as pd

from analysis.paths import PROJ_ROOT
from conftest import require_shared

SAMPLE = PROJ_ROOT / "tests" / "corpus" / "pronoun_sample.csv"


def test_sample_file_is_consistent():
    sample = pd.read_csv(SAMPLE, dtype={"article_id": str}, keep_default_na=False)
    assert len(sample) >= 100
    assert ((sample["predicted_actor_id"] == sample["gold_actor_id"]).astype(int) == sample["correct"]).all()
    assert sample["correct"].mean() >= 0.90      # 118 of 130 when labelled


def test_current_rules_reproduce_the_stored_predictions():
    require_shared("data", "ukraine_media_2022q1", "articles.csv")
    sys.path.insert(0, str(PROJ_ROOT / "bench"))
    from pronoun_sample import score

    result = score(SAMPLE)
    stored = pd.read_csv(SAMPLE, keep_default_na=False)
    assert result["correct"] == int(stored["correct"].sum())
    assert result["precision"] >= 0.90
