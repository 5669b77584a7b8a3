"""Tables from columns through Arrow: what every annotation table is built with.

Building a DataFrame from Python lists column by column costs a pandas conversion per
column (and per row for text); building one Arrow table and converting it once is
several times faster. Id and offset columns are int32, flags bool, text pandas' default
``str`` (Arrow-backed), as the annotation tables document.
"""

from __future__ import annotations

from itertools import chain
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

_INT32 = frozenset({"sentence_id", "token_id", "mention_id", "paragraph_id", "start", "end"})
_STR_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}


def frame(columns: Mapping[str, list | np.ndarray | pa.Array]) -> pd.DataFrame:
    """Columns as a DataFrame, built through Arrow (four times faster than from lists).

    Id and offset columns are int32, flags bool, text pandas' default ``str`` (Arrow arrays as given).
    """
    arrays = {}
    for name, values in columns.items():
        if isinstance(values, pa.Array):
            arrays[name] = values
        elif name in _INT32:
            arrays[name] = pa.array(np.asarray(values, dtype=np.int32) if isinstance(values, np.ndarray) else values,
                                    type=pa.int32())
        elif len(values) and isinstance(values[0], (bool, np.bool_)):
            arrays[name] = pa.array(values, type=pa.bool_())
        else:
            arrays[name] = pa.array(values, type=pa.string())
    return pa.table(arrays).to_pandas(types_mapper=_STR_TYPES.get)


def repeat_ids(ids: Sequence[str], counts: Sequence[int]) -> pa.Array:
    """Each id repeated ``counts`` times, as an Arrow string column (no Python list of millions of references)."""
    index = np.repeat(np.arange(len(ids)), np.asarray(counts, dtype=np.int64))
    return pa.array(ids, type=pa.string()).take(pa.array(index, type=pa.int64()))


def joined(parts: list) -> list | np.ndarray:
    """Per-article column parts as one column: arrays concatenated, lists chained."""
    if parts and isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return list(chain.from_iterable(parts))


def typed_frame(columns: Mapping[str, Sequence], *, ints: Iterable[str] = (), flags: Iterable[str] = ()
                ) -> pd.DataFrame:
    """Column lists as a DataFrame through Arrow: ``ints`` int32, ``flags`` bool, the others text (``str``).

    What the annotation layers' tables are made of, one Arrow array per column instead
    of a pandas conversion per column.
    """
    ints, flags = set(ints), set(flags)
    arrays = {name: pa.array(values, type=pa.int32() if name in ints else pa.bool_() if name in flags else pa.string())
              for name, values in columns.items()}
    return pa.table(arrays).to_pandas(types_mapper=_STR_TYPES.get)
