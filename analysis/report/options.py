"""A report's options that shape what its notebooks read and how they run, checked before any kernel starts.

* **Corpus selection** (:class:`CorpusOptions`): ``--column FIELD=COLUMN`` and
  ``--skip-invalid`` (read as ``annotate`` reads), ``--from DATE --to DATE`` (inclusive) and
  ``--outlets NAME ...``. :func:`select_corpus` reads and filters the corpus once; when that
  gives other articles than a plain read of the input (a column mapping, a skipped record,
  an article filtered out: :meth:`Selection.differs`), the batch writes the selected
  articles to ``corpus.jsonl`` in the run folder (:func:`write_articles`) and every notebook,
  the cache warm-up and the actor summary read that file, so they all see the same articles.
* **Notebook parameters** (``-p NAME=VALUE``): :func:`parse_parameter` types the value as
  YAML 1.2 does (numbers, lists, ``true``/``false``, text; a date stays text), and
  :func:`notebook_values` gives each notebook that declares ``NAME`` the value converted
  and checked by :func:`analysis.report.checks.check_parameters`. A name that no selected
  notebook declares, or one the report sets itself (:data:`RESERVED`), is an error.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from analysis.errors import InputError, Problem

#: Notebook parameters the report sets itself, with the option that sets them.
RESERVED: dict[str, str] = {
    "corpus": "--corpus", "codebook": "--codebook", "figures_dir": "--out (figures go to <run>/figures)",
    "actor": "--actors", "actors": "--actors",
    "sample": "--from/--to or --outlets (one corpus for every notebook and the actor summary)",
}
#: Columns of the corpus file a filtered report writes (read back as they are: see :func:`write_articles`).
ARTICLE_FIELDS = {"id": "article_id", "date": "date", "outlet": "outlet", "title": "title", "text": "text",
                  "url": "url"}


# --- corpus selection ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusOptions:
    """How the report reads and filters its corpus (all empty: the corpus as it is)."""

    columns: Mapping[str, str] = field(default_factory=dict)
    skip_invalid: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outlets: tuple[str, ...] = ()

    def record(self) -> dict[str, Any]:
        """The options as the run manifest records them."""
        return {"columns": dict(self.columns), "skip_invalid": self.skip_invalid,
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None, "outlets": list(self.outlets)}


def corpus_options(*, columns: Mapping[str, str] | Sequence[str] | None = None, skip_invalid: bool = False,
                   date_from: str | dt.date | None = None, date_to: str | dt.date | None = None,
                   outlets: Sequence[str] | None = None) -> CorpusOptions:
    """Checked :class:`CorpusOptions`; ``columns`` as a mapping or as ``FIELD=COLUMN`` strings."""
    pairs = list(columns) if isinstance(columns, (list, tuple)) else [f"{k}={v}" for k, v in (columns or {}).items()]
    mapping = column_mapping(pairs)
    start, end = parse_day(date_from, option="--from"), parse_day(date_to, option="--to")
    if start and end and start > end:
        raise InputError.at("--from", field="from", expected=f"a day on or before --to {end}", got=start)
    if isinstance(outlets, str) or any(not isinstance(o, str) or not o.strip() for o in outlets or ()):
        raise InputError.at("--outlets", field="outlets", expected="a list of outlet names, e.g. ['BBC']",
                            got=outlets)
    if outlets is not None and len(outlets) == 0:
        raise InputError.at("--outlets", field="outlets", expected="at least one outlet name (leave it out for "
                            "every outlet)", got="none")
    return CorpusOptions(columns=mapping, skip_invalid=bool(skip_invalid), date_from=start, date_to=end,
                         outlets=tuple(dict.fromkeys(outlets or ())))


def column_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``FIELD=COLUMN`` pairs (``--column text=body``) as a mapping; each field checked against the reader's."""
    from analysis.corpus.reader import FIELDS

    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name or not column:
            raise InputError.at("--column", field=pair, expected="FIELD=COLUMN, e.g. text=body", got=pair)
        if name not in FIELDS:
            raise InputError.at("--column", field=name, expected=f"FIELD=COLUMN with FIELD one of "
                                f"{', '.join(FIELDS)}", got=pair)
        mapping[name] = column
    return mapping


def parse_day(value: str | dt.date | None, *, option: str) -> dt.date | None:
    """A day given as ``YYYY-MM-DD`` (or a date), for ``--from`` and ``--to``."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError.at(option, field=option.lstrip("-"), expected="a day as YYYY-MM-DD, e.g. 2022-02-01",
                            got=value) from None


@dataclass
class Selection:
    """The articles a report analyses, with what reading and filtering left out."""

    articles: pd.DataFrame
    n_read: int
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def differs(self, options: CorpusOptions) -> bool:
        """Whether the notebooks must read these articles from a file of their own: the input, read as they
        read it (no column mapping, stopping at a bad record), would not give the same articles."""
        return bool(options.columns or self.skipped or len(self.articles) != self.n_read)

    def record(self) -> dict[str, Any]:
        """Counts and every skipped record, as the run manifest records them."""
        return {"articles_read": self.n_read, "articles_selected": len(self.articles),
                "skipped": [str(p) for p in self.skipped], "warnings": [str(p) for p in self.warnings]}


def select_corpus(path: Path, options: CorpusOptions) -> Selection:
    """Read ``path`` with the options' column mapping and error policy, then keep the chosen days and outlets."""
    from analysis.corpus.reader import read_corpus

    read = read_corpus(path, columns=dict(options.columns) or None,
                       on_error="skip" if options.skip_invalid else "raise")
    articles = filter_articles(read.articles, options, source=path)
    return Selection(articles=articles, n_read=len(read.articles), skipped=list(read.skipped),
                     warnings=list(read.warnings))


def filter_articles(articles: pd.DataFrame, options: CorpusOptions, *, source: object) -> pd.DataFrame:
    """The articles from ``date_from`` to ``date_to`` (both inclusive) of ``outlets``; none left is an error."""
    keep = pd.Series(True, index=articles.index)
    if options.date_from:
        keep &= articles["date"] >= pd.Timestamp(options.date_from)
    if options.date_to:
        keep &= articles["date"] <= pd.Timestamp(options.date_to)
    if options.outlets:
        known = articles["outlet"].value_counts()
        unknown = [o for o in options.outlets if o not in known.index]
        if unknown:
            shown = ", ".join(known.index[:30]) + (" ..." if len(known) > 30 else "")
            raise InputError.at(source, field="--outlets", expected=f"outlets of the corpus ({shown})",
                                got=", ".join(unknown))
        keep &= articles["outlet"].isin(options.outlets)
    chosen = articles[keep].reset_index(drop=True)
    if chosen.empty:
        first, last = articles["date"].min(), articles["date"].max()
        raise InputError.at(source, field="--from/--to/--outlets", expected=f"filters that keep at least one "
                            f"article (the corpus runs from {first:%Y-%m-%d} to {last:%Y-%m-%d})",
                            got=f"none of {len(articles):,} article(s)")
    return chosen


def write_articles(articles: pd.DataFrame, path: Path) -> Path:
    """The articles as JSON Lines that :func:`analysis.corpus.reader.read_corpus` reads back unchanged.

    Ids, days, outlets, titles and texts are written as the reader produced them (ASCII
    JSON, so no character of a text can break a line), so the annotation cache key of the
    selection is the key of the same articles read from the input.
    """
    from analysis.store import write_text_atomic

    lines = []
    for row in articles[list(ARTICLE_FIELDS.values())].itertuples(index=False):
        record = dict(zip(ARTICLE_FIELDS, row))
        record["date"] = f"{record['date']:%Y-%m-%d}"
        lines.append(json.dumps(record, ensure_ascii=True))
    return write_text_atomic(path, "\n".join(lines) + "\n")


# --- notebook parameters ------------------------------------------------------------------------


def parse_parameter(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` (``-p period=M``) as a name and a value typed as YAML 1.2 types it."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise InputError.at("-p", field=text, expected="NAME=VALUE, e.g. -p period=M", got=text)
    return name, yaml_value(value)


def yaml_value(text: str) -> Any:
    """``text`` as YAML 1.2's core schema reads it: ``20`` → 20, ``[a, b]`` → a list, ``true`` → True.

    Unlike PyYAML's YAML 1.1, ``no``/``on``/``yes`` stay words and ``2022-02-01`` stays text
    (notebooks take days as text). Text that is not valid YAML is an error.
    """
    import yaml

    stripped = text.strip()
    if not stripped:
        return ""
    try:
        value = yaml.safe_load(stripped)
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", "") or "not valid YAML")
        raise InputError.at("-p", field="VALUE", expected=f"a YAML value ({problem}); quote text with "
                            "special characters", got=text) from None
    if isinstance(value, bool) and stripped.lower() not in ("true", "false"):
        return stripped
    if isinstance(value, (dt.date, dt.datetime)):
        return stripped
    return value


def notebook_values(paths: Sequence[Path], given: Mapping[str, Any]) -> dict[Path, dict[str, Any]]:
    """For each notebook, the given parameters it declares, converted to their declared types and checked.

    Raises :class:`InputError` for a reserved name, a name that no notebook of ``paths``
    declares (naming the parameters they do declare), or a value that does not fit.
    """
    from analysis.report.checks import check_parameters
    from analysis.report.parameters import declared_types

    declared = {path: declared_types(path) for path in paths}
    known = sorted({name for types in declared.values() for name in types} - set(RESERVED))
    for name, value in given.items():
        if name in RESERVED:
            raise InputError.at("-p", field=name, expected=f"{RESERVED[name]} for this (the report sets "
                                f"{name!r} itself)", got=f"{name}={value!r}")
        if not any(name in types for types in declared.values()):
            raise InputError.at("-p", field=name, expected=f"a parameter of the selected notebooks "
                                f"({', '.join(known) or 'none'})", got=name)
    return {path: check_parameters({n: v for n, v in given.items() if n in types}, notebook=path)
            for path, types in declared.items()}
