"""Token arrays: a tokens table converted once, its arrays shared.

Fixtures: two short literal articles (:mod:`term_fixtures`); every expected value below is
counted by hand from the token list written out in the docstring of :func:`term_fixtures.tables`.
"""

from __future__ import annotations

import numpy as np

from analysis.terms.token_arrays import token_arrays
from term_fixtures import tables  # noqa: F401 (fixture)


def test_token_arrays_convert_a_table_once_and_hand_out_own_groups(tables):
    tokens = tables["tokens"]
    first = token_arrays(tokens)
    first.group = np.ones(len(first), dtype=np.int64)  # what grouping callers do
    second = token_arrays(tokens)
    assert second is not first and second.term is first.term  # arrays shared, object not
    assert not second.group.any()
    grown = tokens.assign(extra=1)
    assert token_arrays(grown).term is not first.term  # another table: converted afresh
    shorter = tokens.iloc[:10]
    assert len(token_arrays(shorter)) == 10
