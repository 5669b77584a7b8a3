"""Tables in notebooks: shown without pandas' row index, numbers rounded, text escaped.

A measure's table has a meaningless 0..n-1 index; shown as is, a reader takes it for a
rank or an id. :func:`table` wraps a DataFrame for display without it: as HTML
(``DataFrame.to_html(index=False)``, cells escaped) in a notebook and as
``to_string(index=False)`` in plain text, rounded to ``digits`` decimals and cut to
pandas' ``display.max_rows`` as pandas would. Every suite notebook shows its tables
through it: a cell ends in ``table(df)`` (or calls :func:`show_table` in the middle of a
cell). The table itself is not changed.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["Table", "show_table", "table"]


class Table:
    """A DataFrame as a notebook shows it, without its index (see the module notes)."""

    def __init__(self, frame: pd.DataFrame, *, digits: int | None = 3):
        shown = frame.rename_axis(columns=None)  # a pivot's column-axis name is no header row
        if digits is not None:
            shown = shown.copy()
            for position, column in enumerate(shown.columns):
                if pd.api.types.is_float_dtype(shown.iloc[:, position]):
                    shown.iloc[:, position] = shown.iloc[:, position].round(digits)
        self.frame = shown

    def _options(self) -> dict:
        return {"index": False, "max_rows": pd.get_option("display.max_rows"),
                "max_cols": pd.get_option("display.max_columns"),
                "show_dimensions": len(self.frame) > pd.get_option("display.max_rows")}

    def _repr_html_(self) -> str:
        return self.frame.to_html(notebook=True, **self._options())

    def __repr__(self) -> str:
        return self.frame.to_string(**self._options()) if len(self.frame.columns) else "(no columns)"


def table(frame: pd.DataFrame, *, digits: int | None = 3) -> Table:
    """``frame`` for display without its index, floats rounded to ``digits`` decimals (``None``: as they are)."""
    return Table(frame, digits=digits)


def show_table(frame: pd.DataFrame, *, digits: int | None = 3) -> None:
    """Display ``frame`` in a notebook without its index (:func:`table`), e.g. in the middle of a cell."""
    from IPython.display import display

    display(table(frame, digits=digits))
