"""Frame scores of any CSV or JSONL file of texts, from the command line or from Python.

The command ``python -m analysis.framing.score_files score FILE --text-column text
--scheme generic --out OUT.csv`` scores every sentence of a CSV or JSONL file, for
validation against human frame labels; ``python -m analysis.framing.score_files show
--scheme policy`` lists a scheme. :func:`main` (``main(argv) -> exit status``, 2 on an
input error) is the command; :func:`score_texts` does the scoring from Python.

It lives apart from :mod:`analysis.framing.frames`, which scores the suite's own token
tables, because it is the only part of frame scoring that reads files, splits raw text
into sentences and tokens itself and runs a command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.corpus.text import paragraph_spans, sentence_spans, token_spans
from analysis.framing.dictionaries import NO_FRAME, FrameDictionary, load_frames
from analysis.framing.frames import _per_hundred, dominant_frames, score_sentences

__all__ = ["score_texts"]


def score_texts(texts: Sequence[str], ids: Sequence[str], *, frames: FrameDictionary,
                level: Literal["sentence", "record"] = "sentence") -> pd.DataFrame:
    """Wide frame scores of plain texts: one row per sentence (or per text), for validation.

    Sentences and tokens come from the suite's text layer (paragraphs, then Punkt
    sentences; :func:`analysis.corpus.text.token_spans`). Columns: ``id``, (``sentence_id,
    start, end`` at sentence level), ``n_words``, ``hits_<frame>`` and
    ``score_<frame>`` per frame, ``dominant`` (see :func:`dominant_frames`) and the
    sentence ``text`` (sentence level).
    """
    sentence_rows: dict[str, list] = {"article_id": [], "sentence_id": [], "start": [], "end": [], "text": []}
    token_rows: dict[str, list] = {"article_id": [], "sentence_id": [], "token_id": [], "start": [], "end": [],
                                   "text": []}
    for record_id, text in zip(ids, texts):
        starts: list[int] = []
        for p_start, p_end in paragraph_spans(text):
            for s_start, s_end in sentence_spans(text[p_start:p_end], offset=p_start):
                sentence_rows["article_id"].append(record_id)
                sentence_rows["sentence_id"].append(len(starts))
                sentence_rows["start"].append(s_start)
                sentence_rows["end"].append(s_end)
                sentence_rows["text"].append(text[s_start:s_end])
                starts.append(s_start)
        spans = token_spans(text)
        token_starts = np.asarray([s for s, _ in spans], dtype=np.int64)
        sentence_of = np.searchsorted(np.asarray(starts, dtype=np.int64), token_starts, side="right") - 1
        token_rows["article_id"].extend([record_id] * len(spans))
        token_rows["sentence_id"].extend(np.maximum(sentence_of, 0).tolist())
        token_rows["token_id"].extend(range(len(spans)))
        token_rows["start"].extend(token_starts.tolist())
        token_rows["end"].extend(e for _, e in spans)
        token_rows["text"].extend(text[s:e] for s, e in spans)
    sentences = pd.DataFrame(sentence_rows)
    tokens = pd.DataFrame(token_rows)
    words = tokens["text"].astype(str)
    tokens["lower"] = words.str.lower().str.replace("’", "'", regex=False)
    tokens["is_word"] = words.str.contains(r"[^\W\d_]", regex=True).astype(bool)
    scores = score_sentences(tokens, frames=frames)
    if level == "record":
        scores = (scores.groupby(["article_id", "frame"], sort=False)[["hits", "n_words"]].sum().reset_index()
                  .assign(sentence_id=0))
        scores["score"] = _per_hundred(scores["hits"], scores["n_words"])
        keys = ["article_id"]
        base = pd.DataFrame({"article_id": list(ids)})
    else:
        keys = ["article_id", "sentence_id"]
        base = sentences
    wide = scores.pivot_table(index=keys, columns="frame", values=["hits", "score"], sort=False, observed=True)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([["hits", "score"], frames.names]))
    wide.columns = [f"{kind}_{frame}" for kind, frame in wide.columns]
    n_words = scores.drop_duplicates(keys).set_index(keys)["n_words"]
    dominant = dominant_frames(scores.drop(columns=[] if level == "sentence" else ["sentence_id"]))
    dominant = dominant.set_index(keys)["dominant"]
    out = base.set_index(keys).join(n_words).join(wide).join(dominant).reset_index()
    hit_columns = [f"hits_{f}" for f in frames.names]
    score_columns = [f"score_{f}" for f in frames.names]
    out[hit_columns] = out[hit_columns].fillna(0).astype(np.int64)
    out[score_columns] = out[score_columns].fillna(0.0).round(4)
    out["n_words"] = out["n_words"].fillna(0).astype(np.int64)
    out["dominant"] = out["dominant"].fillna(NO_FRAME)
    out = out.rename(columns={"article_id": "id"})
    head = ["id", "sentence_id", "start", "end"] if level == "sentence" else ["id"]
    tail = ["text"] if level == "sentence" else []
    return out[[*head, "n_words", *hit_columns, *score_columns, "dominant", *tail]]


def _read_records(path: Path, *, text_column: str, id_column: str | None, keep: Sequence[str]
                  ) -> tuple[list[str], list[str], dict[str, list[str]]]:
    from analysis.corpus.records import csv_rows, jsonl_rows  # the corpus reader's line-numbered record streams

    if not path.is_file():
        raise InputError.at(path, field="path", expected="an existing .csv or .jsonl file", got="no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        rows = csv_rows(path)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        rows = jsonl_rows(path)
    else:
        raise InputError.at(path, field="format", expected="a .csv, .tsv or .jsonl file", got=suffix or "no suffix")
    texts, ids, kept = [], [], {column: [] for column in keep}
    first_line: dict[str, int] = {}
    needed = [text_column, *([id_column] if id_column else []), *keep]
    for line, row in rows:
        if not isinstance(row, dict):
            raise InputError(row)
        for column in needed:
            if column not in row:
                raise InputError.at(path, line=line, field=column, expected=f"a {column!r} column",
                                    got="columns " + ", ".join(row) if row else "no columns")
        text = str(row[text_column]).replace("\r\n", "\n")
        if not text.strip():
            raise InputError.at(path, line=line, field=text_column, expected="a non-empty text", got="")
        record_id = str(row[id_column]).strip() if id_column else str(line)
        if not record_id:
            raise InputError.at(path, line=line, field=id_column, expected="a non-empty id", got="")
        if record_id in first_line:
            raise InputError.at(path, line=line, field=id_column or "line",
                                expected=f"a unique id (first used on line {first_line[record_id]})", got=record_id)
        first_line[record_id] = line
        texts.append(text)
        ids.append(record_id)
        for column in keep:
            kept[column].append(str(row[column]))
    if not texts:
        raise InputError.at(path, field=text_column, expected="at least one record", got="no records")
    return texts, ids, kept


def _command_score(args: argparse.Namespace) -> int:
    from analysis.store import write_text_atomic

    path, out = Path(args.file), Path(args.out)
    if out.resolve() == path.resolve():
        raise InputError.at(out, field="--out", expected="an output path other than the input file", got=str(out))
    frames = load_frames(args.scheme)
    keep = [c for c in (args.keep or "").split(",") if c]
    texts, ids, kept = _read_records(path, text_column=args.text_column, id_column=args.id_column, keep=keep)
    table = score_texts(texts, ids, frames=frames, level=args.level)
    if keep:
        extra = pd.DataFrame({"id": ids, **kept})
        table = table.merge(extra, on="id", how="left")
        table = table[["id", *keep, *[c for c in table.columns if c not in ("id", *keep)]]]
    id_name = args.id_column or "line"
    table = table.rename(columns={"id": id_name})
    write_text_atomic(out, table.to_csv(index=False))
    with_frame = int((table["dominant"] != NO_FRAME).sum())
    print(f"{out}: {len(table)} {args.level}s from {len(ids)} records, scheme {frames.scheme!r} "
          f"({len(frames.frames)} frames); {with_frame} with a dominant frame or mixed", file=sys.stderr)
    return 0


def _command_show(args: argparse.Namespace) -> int:
    frames = load_frames(args.scheme)
    print(f"scheme {frames.scheme!r} from {frames.source}")
    if frames.citation:
        print(f"citation: {frames.citation}")
    print(frames.summary().to_string(index=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis.framing.score_files score|show ...`` (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m analysis frames",
                                     description="Score sentences with a frame dictionary.")
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="score every sentence (or record) of a CSV or JSONL file")
    score.add_argument("file", help="a .csv, .tsv or .jsonl file with a text column")
    score.add_argument("--text-column", default="text", help="column holding the text (default: text)")
    score.add_argument("--id-column", default=None,
                       help="column identifying each record (default: the record's line number)")
    score.add_argument("--scheme", default="generic", help="generic, policy or the path of a YAML dictionary")
    score.add_argument("--out", required=True, help="output CSV (written atomically)")
    score.add_argument("--level", choices=("sentence", "record"), default="sentence",
                       help="one row per sentence (default) or per record")
    score.add_argument("--keep", default="", help="comma-separated input columns to copy (e.g. a gold label)")
    show = commands.add_parser("show", help="list the frames and term counts of a scheme")
    show.add_argument("--scheme", default="generic", help="generic, policy or the path of a YAML dictionary")
    args = parser.parse_args(argv)
    try:
        return _command_score(args) if args.command == "score" else _command_show(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
