"""HTML for batch reports: executed notebooks exported with nbconvert, and the run's ``index.html``.

Every piece of text that reaches HTML here goes through :func:`html.escape` (actor labels,
titles, error messages, parameters). Notebook output is rendered by nbconvert: tables
from pandas are escaped by pandas (``to_html`` escapes by default); Markdown output is
rendered as Markdown, so a notebook that puts article text into Markdown must escape it
first (:func:`analysis.markup.escape_markdown`).

Exported pages work offline: the MathJax and Mermaid loaders of nbconvert's ``lab``
template (scripts fetched from a CDN) are left out, because the suite's notebooks show
neither formulas nor diagrams, and figures are embedded in the page.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any, Mapping, Sequence

import nbformat

from analysis.markup import escape
from analysis.report.pages import NAV_MARKER, NAV_STYLE, SORT_SCRIPT, SORT_STYLE, add_navigation
from analysis.store import write_text_atomic

__all__ = ["export_html", "render_index"]

#: nbconvert's lab template without the scripts it would fetch from a CDN, with a place for the
#: navigation (:func:`analysis.report.pages.add_navigation`) first in the page.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style>""" + NAV_STYLE + """</style>{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}""" + NAV_MARKER + """{%- endblock body_header -%}
"""


def export_html(notebook: str | Path | nbformat.NotebookNode, output: str | Path, *, title: str,
                show_code: bool = False, index: str | None = None) -> Path:
    """Export an executed notebook to a self-contained HTML page (code hidden unless ``show_code``).

    ``index``: the run's index page relative to ``output`` (``"../index.html"`` for a batch
    report); the page then starts with a link back to it and a table of contents
    (:func:`analysis.report.pages.add_navigation`). Without it, the contents alone.
    """
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title  # the template escapes it
    body, _ = _exporter(show_code).from_notebook_node(nb, resources={"metadata": {"name": title}})
    return write_text_atomic(output, add_navigation(body, index=index))


_EXPORTERS = threading.local()


def _exporter(show_code: bool) -> Any:
    """This thread's nbconvert ``HTMLExporter`` (its templates are compiled once, not per page)."""
    cache = _EXPORTERS.__dict__.setdefault("by_show_code", {})
    if show_code not in cache:
        from jinja2 import DictLoader

        cache[show_code] = _report_exporter()(extra_loaders=[DictLoader({"report.html.j2": _TEMPLATE})],
                                              template_file="report.html.j2", exclude_input=not show_code,
                                              exclude_input_prompt=not show_code, exclude_output_prompt=True,
                                              embed_images=True)
    return cache[show_code]


#: What nbconvert's ``HTMLExporter`` gives an image without alternative text.
NO_ALT = "No description has been provided for this image"
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")
_FOCUSABLE = re.compile(r'<div((?: id="[^"]*")? class="(?:jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)")')


def accessible(page: str) -> str:
    """What ``HTMLExporter`` adds to a page after rendering, done on the text: alternative text
    (:data:`NO_ALT`) on each ``<img>`` without one, and ``tabindex="0"`` on each cell input and
    output, so that keyboard users can reach them."""
    return _FOCUSABLE.sub(r'<div\1 tabindex="0"', _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', page))


def _report_exporter() -> type:
    """nbconvert's ``HTMLExporter`` without its BeautifulSoup pass over the rendered page.

    That pass parses the whole page (figures embedded as base64 included) to add alt text and
    tab stops, and writes it out again: about 60% of a page's export time. :func:`accessible`
    adds the same on the text; the rest is ``HTMLExporter.from_notebook_node`` unchanged.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None,
                               **kw: Any) -> tuple[str, dict]:
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                           parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible(page), resources

    return ReportExporter


_STYLE = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 72em;
       color: #222; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.failed { color: #b00020; font-weight: bold; } .ok { color: #2e7d32; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
figure { margin: 0; width: 20em; } figure img { width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.8em; color: #555; }
code, pre { font-size: 0.85em; } pre { white-space: pre-wrap; background: #fafafa; padding: 0.5em; }
"""


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _number(value: Any, fmt: str) -> str:
    try:
        if value is None or value != value:  # None or NaN
            return ""
        return format(value, fmt)
    except (TypeError, ValueError):
        return escape(value)


def render_index(*, title: str, parameters: Mapping[str, Any], runs: Sequence[Mapping[str, Any]],
                 actors: Sequence[Mapping[str, Any]], figures: Mapping[str, Any],
                 files: Sequence[tuple[str, str]], notes: Sequence[str] = (),
                 thumbnails: Mapping[str, str] | None = None) -> str:
    """The run's index page: reports, actors (summary, sortable by any column), failures, figures and data files.

    ``runs``: dicts with name, label, actor, status, seconds, html, ipynb, error;
    ``actors``: rows of the summary table; ``figures``: the figures manifest (name → entry
    with files, notebook, caption, parameters); ``thumbnails``: figure name → file in the
    run's ``thumbnails/`` (a figure without one shows its SVG); ``files``: (relative path,
    description). Links are relative to the run folder, so the folder can be moved or archived whole.
    """
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{escape(title)}</title>", f"<style>{_STYLE}{SORT_STYLE}</style>", "</head>", "<body>",
             f"<h1>{escape(title)}</h1>"]
    failed = [r for r in runs if r["status"] != "ok"]
    status = (f'<span class="failed">{len(failed)} of {len(runs)} notebook run(s) failed</span>' if failed
              else f'<span class="ok">all {len(runs)} notebook run(s) succeeded</span>')
    parts.append(f"<p>{status}.</p>")
    parts.append("<table>" + "".join(
        f"<tr><th>{escape(key)}</th><td><code>{escape(value)}</code></td></tr>"
        for key, value in parameters.items()) + "</table>")
    for note in notes:
        parts.append(f"<p>{escape(note)}</p>")

    if failed:
        parts.append("<h2>Failures</h2><table><tr><th>notebook</th><th>actor</th><th>error</th></tr>")
        for run in failed:
            target = _link(run["html"], run["label"]) if run.get("html") else escape(run["label"])
            parts.append(f"<tr><td>{target}</td><td>{escape(run.get('actor') or '')}</td>"
                         f"<td><pre>{escape(run.get('error', ''))}</pre></td></tr>")
        parts.append("</table>")

    corpus_runs = [r for r in runs if not r.get("actor")]
    parts.append("<h2>Reports</h2><table><tr><th>report</th><th>status</th><th>seconds</th><th>notebook</th></tr>")
    for run in corpus_runs:
        parts.append(_run_row(run))
    parts.append("</table>")
    if actors:
        parts.append(_actor_table(actors))
    parts.append(_figure_section(figures, thumbnails or {}))
    parts.append("<h2>Data and provenance</h2><ul>")
    for path, description in files:
        parts.append(f"<li>{_link(path, path)}: {escape(description)}</li>")
    parts.append(f"</ul><script>{SORT_SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"


#: The index's actor table: (header, summary column, format); a format makes the column numeric.
ACTOR_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("actor", "label", None), ("type", "type", None), ("mentions", "mentions", "d"),
    ("articles mentioning", "articles_mentioning", "d"), ("share of articles", "share_articles", ".1%"),
    ("share of headlines", "share_headline", ".1%"), ("tone (mean)", "tone_mean", "+.2f"),
    ("95% interval", "tone_ci_low", None), ("dossier", "dossier_status", None))


def _actor_table(actors: Sequence[Mapping[str, Any]]) -> str:
    """The actor table, sortable by any column (:data:`analysis.report.pages.SORT_SCRIPT`)."""
    numeric = ' data-type="number"'
    head = "".join(f'<th aria-sort="none"{numeric if fmt or column == "tone_ci_low" else ""}>'
                   f'<button type="button">{escape(header)}</button></th>' for header, column, fmt in ACTOR_COLUMNS)
    rows = [f'<h2>Actors</h2><table class="sortable" id="actors"><thead><tr>{head}</tr></thead><tbody>']
    for row in actors:
        cells = [f'<td data-sort="{escape(row["label"])}">{escape(row["label"])} <code>{escape(row["actor_id"])}'
                 f"</code></td>", f"<td>{escape(row.get('type', ''))}</td>"]
        for _, column, fmt in ACTOR_COLUMNS[2:7]:
            value = row.get(column)
            cells.append(f'<td class="num" data-sort="{_sort_key(value)}">{_number(value, fmt or "")}</td>')
        low, high = row.get("tone_ci_low"), row.get("tone_ci_high")
        interval = "" if _sort_key(low) == "" else f"{low:+.2f} to {high:+.2f}"
        cells.append(f'<td class="num" data-sort="{_sort_key(low)}">{interval}</td>')
        dossier = _link(row["dossier_html"], "dossier") if row.get("dossier_html") else ""
        status = row.get("dossier_status") or ""
        if status and status != "ok":
            dossier += f' <span class="failed">({escape(status)})</span>'
        cells.append(f'<td data-sort="{escape(status)}">{dossier}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def _sort_key(value: Any) -> str:
    """A number as the sort script reads it (``repr`` of the float), or "" for none."""
    try:
        if value is None or value != value:
            return ""
        return repr(float(value))
    except (TypeError, ValueError):
        return ""


def _figure_section(figures: Mapping[str, Any], thumbnails: Mapping[str, str]) -> str:
    """Figures by notebook: a thumbnail (or the SVG) each, linked to every exported file."""
    parts = ["<h2>Figures</h2>"]
    if not figures:
        parts.append("<p>No figures were exported.</p>")
    by_notebook: dict[str, list[Mapping[str, Any]]] = {}
    for name in sorted(figures):
        by_notebook.setdefault(str(figures[name].get("notebook") or "other"), []).append(figures[name])
    for notebook, entries in by_notebook.items():
        parts.append(f"<h3>{escape(notebook)}</h3><div class=\"figures\">")
        for entry in entries:
            files_ = list(entry.get("files", []))
            svg = next((f"figures/{f}" for f in files_ if f.endswith(".svg")), None)
            small = f"thumbnails/{thumbnails[entry['name']]}" if entry["name"] in thumbnails else svg
            alt = escape(entry.get("caption") or entry["name"])
            image = f'<img src="{escape(small)}" alt="{alt}" loading="lazy">' if small else ""
            full = next((f for f in files_ if f.endswith(".png")), files_[0] if files_ else None)
            if image and full:
                image = f'<a href="figures/{escape(full)}">{image}</a>'
            links = " · ".join(_link(f"figures/{f}", f.rsplit(".", 1)[-1].upper()) for f in files_)
            parts.append(f"<figure>{image}<figcaption><b>{escape(entry['name'])}</b>: "
                         f"{escape(entry.get('caption', ''))}<br>{links}</figcaption></figure>")
        parts.append("</div>")
    return "\n".join(parts)


def _run_row(run: Mapping[str, Any]) -> str:
    report = _link(run["html"], run["label"]) if run.get("html") else escape(run["label"])
    status = ('<span class="ok">ok</span>' if run["status"] == "ok"
              else f'<span class="failed">{escape(run["status"])}</span>')
    if run.get("reused"):  # taken unchanged from the run this one replaced; seconds are that run's
        status += " (reused)"
    notebook = _link(run["ipynb"], "ipynb") if run.get("ipynb") else ""
    return (f"<tr><td>{report}</td><td>{status}</td><td class=\"num\">{run.get('seconds', 0):.1f}</td>"
            f"<td>{notebook}</td></tr>")
