"""Escaping of untrusted text (corpus, codebook, parameters) before it reaches HTML or Markdown.

A basics module, so that every layer can escape what it renders: the workspace summary
(``annotate``) puts outlet names and skipped-record messages into Markdown, and the
report (``report.html``) builds pages. Article text is written by whoever published it
and codebooks are shared between projects: an outlet named ``<script>...`` must show as
text, never run in a report.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|])")


def escape(text: object) -> str:
    """``html.escape`` of ``str(text)`` (quotes included): safe in HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: object) -> str:
    """Text safe to put into a Markdown output: HTML escaped, Markdown markup characters backslashed.

    Markdown passes raw HTML through, so HTML escaping comes first; backslashes then keep
    ``*``, ``_``, ``[``... of a title from turning into emphasis or links.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escape(text))
