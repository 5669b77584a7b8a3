"""Quote marks (analysis.framing.quote_marks): which marks pair up into quotations."""

from __future__ import annotations

import pytest

from analysis.framing.quote_marks import quote_mark_spans


class TestQuoteMarks:
    @pytest.mark.parametrize("text, expected", [
        ('He said "yes" and "no".', [(8, 12), (18, 21)]),
        ("“Curly” and “more”", [(0, 6), (12, 17)]),
        ('A stray " mark and "a quote" here', [(19, 27)]),         # the unmatched opener is dropped
        ('"one\n\n"two"', [(0, 10)]),                                # paragraph convention
        ('"open\n\nno quote here', []),                              # never closed: dropped
    ])
    def test_spans(self, text, expected):
        paragraphs = [(0, len(text))] if "\n\n" not in text else \
            [(0, text.index("\n\n")), (text.index("\n\n") + 2, len(text))]
        assert quote_mark_spans(text, paragraphs) == expected
