"""Command line: ``python -m analysis <command>`` (also installed as ``media-analysis``).

Commands
--------
annotate         read a corpus, annotate it, write the tidy tables as Parquet and CSV
candidates       propose actors a codebook lacks, merged and typed (CSV, or a YAML codebook stub)
coverage         how much of a corpus a codebook sees: sentences with a mention, names that never
                 match, spellings it lacks, the most frequent names it misses
report           every notebook and a dossier per actor, as an HTML report (:mod:`analysis.report.batch`)
frames           score a CSV/JSONL file's sentences with a frame dictionary, or show a scheme
                 (:mod:`analysis.framing.score_files`)
evaluate         target-dependent sentiment methods against NewsMTSC-format gold labels
                 (:mod:`analysis.sentiment.evaluate`)
train-sentiment  train a target-sentiment model on NewsMTSC ``train``: the default (:mod:`analysis.sentiment.train`)
                 or ``--method minilm-ft`` (:mod:`analysis.sentiment.finetune`)
validate         every check the suite can run offline, written as a methods appendix
                 (:mod:`analysis.report.validation`)

The last three hand their arguments to the module's own ``main``; the old module paths
(``python -m analysis.frames``, ``analysis.evaluate``, ``analysis.train_sentiment``) still work
and run the same code.

Errors in the input are printed as one line naming file, line and field, with exit
code 2, never as a traceback. Ctrl-C prints one line saying whether the output was
written, with exit code 130; an interrupted run leaves no partial output behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from analysis.errors import InputError, OneLineParser, count_option
from analysis.paths import DEFAULT_CODEBOOK, SEEDS


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", default=str(SEEDS), help="folder of .txt articles, or a .csv/.jsonl file")
    parser.add_argument("--codebook", default=str(DEFAULT_CODEBOOK), help="actor codebook (YAML)")
    parser.add_argument("--column", action="append", default=[], metavar="FIELD=COLUMN",
                        help="map a suite field (id, date, outlet, title, text, url) to a column; repeatable")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="skip bad records (each one is reported) instead of stopping at the first")


def _columns(pairs: Sequence[str]) -> dict[str, str]:
    """``--column FIELD=COLUMN`` pairs as a mapping; a suite field is checked here, since a folder corpus ignores it.

    The same rule as ``report --column`` (:func:`analysis.report.options.column_mapping`).
    """
    from analysis.report.options import column_mapping

    return column_mapping(pairs)


def _read_corpus(args: argparse.Namespace):
    """Read ``--corpus``; print each skipped record (``skipped:``) and each warning (``warning:``) on stderr."""
    from analysis.corpus.reader import read_corpus

    corpus = read_corpus(args.corpus, columns=_columns(args.column) or None,
                         on_error="skip" if args.skip_invalid else "raise")
    for problem in corpus.skipped:
        print(f"skipped: {problem}", file=sys.stderr)
    for notice in corpus.warnings:
        print(f"warning: {notice}", file=sys.stderr)
    return corpus


def _check_out(out: Path, *, overwrite: bool) -> None:
    """``annotate --out``: a new or empty folder, or with ``--overwrite`` tables this tool wrote; writable."""
    from analysis.store import table_files, validate_output

    validate_output(out, kind="tables", replace=overwrite, field="--out", flag="--overwrite", files=table_files,
                    empty_ok=True)


def _annotate(args: argparse.Namespace) -> int:
    from analysis.annotate.pipeline import LAYERS, Settings, annotate_corpus
    from analysis.corpus.codebook import load_codebook
    from analysis.store import write_tables

    out = Path(args.out)
    _check_out(out, overwrite=args.overwrite)
    corpus = _read_corpus(args)
    codebook = load_codebook(args.codebook)
    layers = tuple(LAYERS) if args.layers == ["all"] else tuple(args.layers)
    annotations = annotate_corpus(corpus.articles, codebook, settings=Settings(layers=layers, stem=args.stem),
                                  engine=args.engine, workers=args.workers, progress=not args.quiet,
                                  dask_address=args.dask_address)
    tables = {"articles": corpus.articles, **annotations.tables}
    _check_out(out, overwrite=args.overwrite)  # again: the folder may have changed while the corpus was annotated
    write_tables(out, tables, csv=True, manifest={
        "corpus": str(args.corpus), "codebook": str(args.codebook), "layers": list(layers),
        "n_articles": len(corpus.articles), "skipped": [str(p) for p in corpus.skipped],
        "cache_key": annotations.key})
    summary = ", ".join(f"{name} {len(frame):,}" for name, frame in tables.items())
    print(f"wrote {out}: {summary}")
    return 0


def _candidates(args: argparse.Namespace) -> int:
    from analysis.corpus.candidates import candidate_actors
    from analysis.corpus.codebook import load_codebook
    from analysis.corpus.stub import codebook_stub

    corpus = _read_corpus(args)
    codebook = None if args.codebook.lower() == "none" else load_codebook(args.codebook)
    found = candidate_actors(corpus.articles, codebook, min_count=args.min_count, top_n=args.top_n,
                             min_articles=min(args.min_articles, len(corpus.articles)), types=args.types)
    if args.format == "yaml":
        sys.stdout.write(codebook_stub(found, source=str(args.corpus), existing_ids=codebook.ids if codebook else ()))
    else:
        found.to_csv(sys.stdout, index=False)
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from analysis.corpus.codebook import load_codebook
    from analysis.corpus.coverage import coverage, coverage_report

    corpus = _read_corpus(args)
    result = coverage(corpus.articles, load_codebook(args.codebook), top_n=args.top_n, min_count=args.min_count)
    if args.table:
        getattr(result, args.table).to_csv(sys.stdout, index=False)
    else:
        sys.stdout.write(coverage_report(result, corpus=str(args.corpus), codebook=str(args.codebook),
                                         rows=args.top_n))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from analysis.report.validation import ValidationInputs, run_validation, shown_path
    from analysis.report.validation_write import main_table, write_appendix
    from analysis.store import validate_output
    from analysis.report.validation_write import APPENDIX_FILES, KIND

    validate_output(args.out, kind=KIND, replace=args.replace, field="--out", flag="--replace",
                    files=lambda manifest: APPENDIX_FILES)  # before any work; checked again when written
    inputs = ValidationInputs.at(shared_data=args.shared_data)
    command = "python -m analysis validate"
    if args.shared_data:
        command += f" --shared-data {shown_path(inputs.shared_data)}"
    if args.methods:
        command += " --methods " + " ".join(args.methods)
    validation = run_validation(inputs=inputs, methods=args.methods, cache=not args.no_cache)
    parameters = {"shared_data": shown_path(inputs.shared_data), "methods": list(args.methods or [])}
    out = write_appendix(validation, args.out, replace=args.replace, parameters=parameters, command=command)
    print(main_table(validation).drop(columns=["note"]).to_string(index=False))
    for check, reason in validation.skipped.items():
        print(f"skipped {check}: {reason}")
    print(f"wrote {out / 'appendix.md'} and {out / 'appendix.html'}")
    return 0


def _sentiment_method(text: str) -> str:
    """``argparse`` type of ``validate --methods``: a target-sentiment method of the suite."""
    from analysis.sentiment.target import METHODS

    if text not in METHODS:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(METHODS)}, got {text!r}")
    return text


def _candidate_types(text: str) -> tuple[str, ...] | None:
    """``argparse`` type of ``candidates --types``: ``all`` or comma-separated candidate types."""
    from analysis.corpus.candidates import TYPES

    if text == "all":
        return None
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    wrong = [part for part in chosen if part not in TYPES]
    if wrong or not chosen:
        raise argparse.ArgumentTypeError(f"expected 'all' or types among {', '.join(TYPES)}, got {text!r}")
    return chosen


#: Commands whose arguments go, as they are, to the ``main`` of the module that implements them.
FORWARDED: dict[str, tuple[str, str]] = {
    "frames": ("analysis.framing.score_files", "score a file's sentences with a frame dictionary (score, show)"),
    "evaluate": ("analysis.sentiment.evaluate", "evaluate sentiment methods on NewsMTSC-format labels (sentiment)"),
    "train-sentiment": ("analysis.sentiment.train_command",
                        "train a target-sentiment model on NewsMTSC train (--method learned or minilm-ft)"),
}


def _forward(command: str, argv: Sequence[str]) -> int:
    import importlib

    return importlib.import_module(FORWARDED[command][0]).main(list(argv))


def _layer_name(text: str) -> str:
    """``argparse`` type of ``--layers``: ``all`` or a registered layer, checked before any corpus is read."""
    from analysis.annotate.pipeline import check_layers

    if text != "all":
        try:
            check_layers((text,))
        except InputError as error:
            raise argparse.ArgumentTypeError(f"{error} (or all)") from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m analysis", description="Media analysis suite.")
    sub = parser.add_subparsers(dest="command", required=True)

    annotate = sub.add_parser("annotate", help="annotate a corpus and write its tidy tables (Parquet + CSV)")
    _common(annotate)
    annotate.add_argument("--out", required=True, help="output folder (must be new or empty)")
    annotate.add_argument("--overwrite", action="store_true",
                          help="replace an output folder of tables this tool wrote (never any other folder)")
    annotate.add_argument("--layers", nargs="*", default=["all"], type=_layer_name,
                          help="extra layers (frames, quotes, roles, labels, sentiment); default: all")
    annotate.add_argument("--stem", action="store_true", help="add Snowball stems to the tokens table")
    annotate.add_argument("--engine", choices=["serial", "processes", "dask"], default="serial")
    annotate.add_argument("--workers", type=count_option, default=None, help="processes or Dask workers (≥ 1)")
    annotate.add_argument("--dask-address", default=None, help="address of an existing Dask scheduler")
    annotate.add_argument("--quiet", action="store_true", help="no progress bar")
    annotate.set_defaults(run=_annotate)

    candidates = sub.add_parser("candidates", help="propose actors missing from the codebook (CSV or YAML to stdout)",
                                description="Propose actors missing from the codebook (--codebook none: "
                                            "start a codebook from nothing).")
    _common(candidates)
    candidates.add_argument("--min-count", type=count_option, default=5)
    candidates.add_argument("--top-n", type=count_option, default=50)
    candidates.add_argument("--min-articles", type=count_option, default=2,
                            help="articles a candidate must appear in (at most the corpus's number of articles)")
    candidates.add_argument("--format", choices=["csv", "yaml"], default="csv",
                            help="csv: the candidates table; yaml: a codebook stub to paste into the codebook")
    candidates.add_argument("--types", type=_candidate_types, default="person,country,organisation,group,outlet",
                            help="comma-separated types to propose, or 'all' (adds place and unknown); "
                                 "default: person,country,organisation,group,outlet")
    candidates.set_defaults(run=_candidates)

    coverage = sub.add_parser("coverage", help="how much of a corpus the codebook sees, and what it misses")
    _common(coverage)
    coverage.add_argument("--top-n", type=count_option, default=20, help="rows of unmatched and missing names")
    coverage.add_argument("--min-count", type=count_option, default=2, help="mentions an unmatched name needs")
    coverage.add_argument("--table", choices=["summary", "actors", "aliases", "missing", "unmatched"],
                          help="print this table as CSV instead of the report")
    coverage.set_defaults(run=_coverage)

    validate = sub.add_parser("validate", help="run every check the suite can run offline; write a methods appendix",
                              description="Run every check the suite can run offline (NewsMTSC, VADER fidelity, "
                                          "sentence splitting, the seed's golden counts, the pronoun sample) and "
                                          "write a methods appendix (Markdown, HTML, CSV tables, figures).")
    validate.add_argument("--out", required=True, help="output folder (new, or with --replace one validate wrote)")
    validate.add_argument("--replace", action="store_true",
                          help="replace an appendix folder this tool wrote (never any other folder)")
    validate.add_argument("--shared-data", default=None,
                          help="folder with newsmtsc/ and vader_groundtruth/ (default: ../shared/data beside the "
                               "project); checks whose data is absent are skipped and listed")
    validate.add_argument("--methods", nargs="+", type=_sentiment_method, default=None,
                          help="target-sentiment methods to evaluate (default: every method; those that cannot "
                               "run here are listed as skipped)")
    validate.add_argument("--no-cache", action="store_true", help="predict again instead of reading .cache/validation/")
    validate.set_defaults(run=_validate)

    from analysis.report.batch import add_report_parser

    add_report_parser(sub)
    for command, (_, text) in FORWARDED.items():  # listed in --help; parsed by the module itself
        sub.add_parser(command, help=text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in FORWARDED:
        return _forward(argv[0], argv[1:])
    out, before = None, None
    try:  # Ctrl-C while the parser imports its commands is an interruption too, not a traceback
        args = build_parser().parse_args(argv)
        out = getattr(args, "out", None)
        before = _state(out)
        return args.run(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_interrupted(out, before=before), file=sys.stderr)
        return 130


def _state(path: str | None) -> tuple[int, int] | None:
    """Identity of the output folder (device, inode), or None when there is none: tells whether a run replaced it."""
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino) if stat else None


def _interrupted(out: str | None, *, before: tuple[int, int] | None) -> str:
    """The one line for Ctrl-C: whether ``out`` was written (staging folders are gone by now)."""
    if out is None:
        return "interrupted"
    if _state(out) != before:
        return f"interrupted after {out} was written"
    kept = " (the folder that was there is unchanged)" if before is not None else ""
    return f"interrupted: nothing was written to {out}{kept}"
