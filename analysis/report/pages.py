"""Navigation for a report's pages: contents and a way back on each report, a sortable actor table, thumbnails.

* :func:`add_navigation` puts, at the top of an exported notebook page, a link back to the
  run's ``index.html`` and a table of contents built from the page's own headings (the ids
  nbconvert gives them), so each report can be read and left without the browser's back button.
* :data:`SORT_SCRIPT` makes every ``table.sortable`` sort by a column when its header button
  is clicked (numbers by value, largest first; text alphabetically; empty cells last):
  a few lines of inline script, nothing fetched.
* :func:`write_thumbnails` writes a small PNG per figure (480 pixels wide, a palette of 256 colours at most;
  :func:`analysis.plots.export.thumbnail_png`) for the index, which used to load every 300-dpi
  PNG, where the kernel that exported the figure has not written it already.

Text taken from headings is escaped again (:func:`analysis.markup.escape`) before it reaches the page.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Mapping

from analysis.markup import escape

#: Where :func:`add_navigation` puts the navigation: the report template writes it first in ``<main>``.
NAV_MARKER = "<!--media-analysis:navigation-->"
#: Heading levels listed in a report's contents.
TOC_LEVELS = ("h1", "h2", "h3")

NAV_STYLE = """
nav.report-nav { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 0.9em; margin: 0 0 1.5em;
                 padding: 0.6em 1em; border: 1px solid #ddd; background: #fafafa; }
nav.report-nav .back { font-weight: bold; }
nav.report-nav ul { margin: 0.4em 0 0; padding-left: 0; list-style: none; }
nav.report-nav li.level-2 { margin-left: 1em; } nav.report-nav li.level-3 { margin-left: 2em; }
nav.report-nav li.level-1 { font-weight: bold; }
"""


class _Headings(HTMLParser):
    """(level, id, text) of each ``h1``–``h3`` with an id; the text without nbconvert's "¶" anchor link."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str, str]] = []
        self._current: list[Any] | None = None
        self._anchor = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in TOC_LEVELS and values.get("id"):
            self._current = [int(tag[1]), values["id"], []]
        elif tag == "a" and self._current is not None and "anchor-link" in (values.get("class") or ""):
            self._anchor += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor:
            self._anchor -= 1
        elif tag in TOC_LEVELS and self._current is not None:
            level, ident, parts = self._current
            text = " ".join("".join(parts).split())
            if text:
                self.found.append((level, ident, text))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None and not self._anchor:
            self._current[2].append(data)


def headings(page: str) -> list[tuple[int, str, str]]:
    """The page's ``h1``–``h3`` headings that carry an id: (level, id, text), in page order."""
    parser = _Headings()
    parser.feed(page)
    parser.close()
    return parser.found


def navigation(page: str, *, index: str | None) -> str:
    """The ``<nav>`` block for ``page``: a link to ``index`` (if any) and the page's contents (if any)."""
    items = "".join(f'<li class="level-{level}"><a href="#{escape(ident)}">{escape(text)}</a></li>'
                    for level, ident, text in headings(page))
    back = f'<a class="back" href="{escape(index)}">&larr; All reports (index)</a>' if index else ""
    contents = f'<div class="contents">Contents<ul>{items}</ul></div>' if items else ""
    if not back and not contents:
        return ""
    return f'<nav class="report-nav" aria-label="Report navigation">{back}{contents}</nav>'


def add_navigation(page: str, *, index: str | None) -> str:
    """``page`` (exported with the report template) with :func:`navigation` at :data:`NAV_MARKER`."""
    if NAV_MARKER not in page:
        raise ValueError("the page was not exported with the report template (no navigation marker)")
    return page.replace(NAV_MARKER, navigation(page, index=index), 1)


SORT_STYLE = """
table.sortable th button { font: inherit; font-weight: bold; border: 0; background: none; padding: 0;
                           cursor: pointer; text-align: left; color: inherit; }
table.sortable th[aria-sort="ascending"] button::after { content: " \\25B2"; }
table.sortable th[aria-sort="descending"] button::after { content: " \\25BC"; }
"""

#: Sorts each ``table.sortable`` by the column whose header button is clicked. A header with
#: ``data-type="number"`` sorts by each cell's ``data-sort`` value, largest first; others by text.
SORT_SCRIPT = """(function () {
  "use strict";
  function value(cell, numeric) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    if (raw === "") { return null; }
    if (!numeric) { return raw.toLowerCase(); }
    var number = parseFloat(raw);
    return isNaN(number) ? null : number;
  }
  function sortBy(table, header, column) {
    var numeric = header.getAttribute("data-type") === "number";
    var current = header.getAttribute("aria-sort");
    var ascending = current === "none" || current === null ? !numeric : current === "descending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
      if (other.querySelector("button")) { other.setAttribute("aria-sort", "none"); }
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, index) {
      return {row: row, index: index, key: value(row.cells[column], numeric)};
    });
    rows.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        return a.key === b.key ? a.index - b.index : (a.key === null ? 1 : -1);
      }
      var order = a.key < b.key ? -1 : (a.key > b.key ? 1 : 0);
      return (ascending ? order : -order) || a.index - b.index;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var button = header.querySelector("button");
      if (button) { button.addEventListener("click", function () { sortBy(table, header, column); }); }
    });
  });
}());"""


def write_thumbnails(figures: Path, manifest: Mapping[str, Any], folder: Path) -> dict[str, str]:
    """A small PNG per figure of ``manifest`` with a PNG in ``figures``: name → file name in ``folder``.

    Each is the exported PNG scaled by :func:`~analysis.plots.export.thumbnail_png`: a tenth of
    the size or less, and the same bytes for the same figure. A thumbnail newer than its figure is kept, so the batch
    can call this as notebooks finish and once more at the end.
    """
    written: dict[str, str] = {}
    for name, entry in sorted(manifest.items()):
        png = next((f for f in entry.get("files", []) if f.endswith(".png")), None)
        if png is None or not (figures / png).is_file():
            continue
        target = folder / png
        try:
            if not target.exists() or target.stat().st_mtime_ns < (figures / png).stat().st_mtime_ns:
                write_thumbnail(figures / png, target)
        except OSError:  # an unreadable PNG: the index shows the figure's SVG instead
            continue
        written[name] = png
    return written


def write_thumbnail(source: Path, target: Path) -> Path:
    """``source`` (a PNG) as a thumbnail (:func:`~analysis.plots.export.thumbnail_png`) at ``target``,
    written atomically."""
    from PIL import Image

    from analysis.plots.export import thumbnail_png
    from analysis.store import write_bytes_atomic

    with Image.open(source) as image:
        return write_bytes_atomic(target, thumbnail_png(image.convert("RGB")))
