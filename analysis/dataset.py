"""Corpora larger than memory: stream, annotate partition by partition, measure from partitions.

:func:`annotate_dataset` reads the corpus in chunks (:func:`analysis.corpus.iter_corpus`),
annotates each chunk on the chosen engine, and writes every table as one Parquet file
per chunk::

    out/
      manifest.json                 written last: the dataset is complete when it exists
      articles/part-00000.parquet   one file per chunk, for every table
      sentences/part-00000.parquet
      tokens/...  mentions/...  (and the layers' tables)

Workers write their own partitions (atomically, named by chunk number) and send back
only row counts, so memory stays bounded by a few chunks whatever the corpus size, and
a retried task rewrites the same file (no loss, no duplicates). The whole folder is
built under a temporary name and appears under its final name only when complete.

:class:`Dataset` reads it back partition by partition (chunked pandas) or as Dask
DataFrames; measures that add up across partitions are computed without loading a
whole table (:func:`partitioned_salience`, :func:`partitioned_term_counts`,
:func:`partitioned_frame_shares`, :func:`partitioned_tone`).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import pandas as pd

from analysis.annotate import Settings, annotate_records
from analysis.codebook import Codebook
from analysis.corpus import iter_corpus
from analysis.engines import run_tasks
from analysis.errors import InputError, Problem
from analysis.store import staged_folder

PART = "part-{:05d}.parquet"


def _annotate_partition(index: int, articles: pd.DataFrame, codebook: Codebook, settings: Settings,
                        folder: str) -> dict[str, int]:
    """Annotate one chunk and write its tables as partition ``index``; return row counts."""
    records = articles[["article_id", "title", "text"]].to_dict("records")
    tables = {"articles": articles, **annotate_records(records, codebook, settings=settings)}
    for name, frame in tables.items():
        target = Path(folder) / name / PART.format(index)
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        frame.to_parquet(scratch, index=False)
        os.replace(scratch, target)
    return {name: len(frame) for name, frame in tables.items()}


def annotate_dataset(corpus: str | Path, codebook: Codebook, out: str | Path, *, settings: Settings = Settings(),
                     engine: str = "serial", workers: int | None = None, chunk_size: int = 1000,
                     dask_address: str | None = None, columns: Mapping[str, str] | None = None,
                     on_error: str = "raise", replace: bool = False, progress: bool = True) -> "Dataset":
    """Annotate a corpus of any size into a partitioned Parquet dataset at ``out``."""
    from tqdm import tqdm

    out = Path(out)
    if out.exists() and not replace:
        raise InputError.at(out, field="out", expected="a new folder (or replace=True)", got="it exists")
    skipped: list[Problem] = []
    started = time.perf_counter()
    with staged_folder(out) as staging:
        chunks = iter_corpus(corpus, chunk_size=chunk_size, columns=columns, on_error=on_error,  # type: ignore[arg-type]
                             skipped=skipped)
        tasks = ((i, chunk, codebook, settings, str(staging)) for i, chunk in enumerate(chunks))
        with tqdm(desc="annotate", unit="partition", disable=not progress) as bar:
            counts = run_tasks(_annotate_partition, tasks, engine=engine, workers=workers, address=dask_address,
                               on_result=lambda _: bar.update(1))
        totals = {name: sum(c[name] for c in counts) for name in (counts[0] if counts else {})}
        manifest = {"corpus": str(corpus), "codebook": codebook.source, "codebook_digest": codebook.digest,
                    "settings": asdict(settings), "engine": engine, "chunk_size": chunk_size,
                    "partitions": len(counts), "rows": totals, "skipped": [str(p) for p in skipped],
                    "seconds": round(time.perf_counter() - started, 3)}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Dataset(out)


@dataclass(frozen=True)
class Dataset:
    """A partitioned annotation dataset written by :func:`annotate_dataset`."""

    path: Path

    def __post_init__(self) -> None:
        if not (Path(self.path) / "manifest.json").exists():
            raise InputError.at(self.path, field="manifest.json",
                                expected="a complete dataset written by annotate_dataset", got="no manifest")

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((Path(self.path) / "manifest.json").read_text())

    def files(self, table: str) -> list[Path]:
        return sorted((Path(self.path) / table).glob("part-*.parquet"))

    def partitions(self, table: str, *, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The table one partition at a time (chunked pandas: one partition in memory)."""
        for file in self.files(table):
            yield pd.read_parquet(file, columns=list(columns) if columns else None)

    def read(self, table: str, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The whole table (for tables that fit in memory), partitions in order."""
        parts = list(self.partitions(table, columns=columns))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(columns or []))

    def dask(self, table: str, *, columns: Sequence[str] | None = None) -> Any:
        """The table as a Dask DataFrame (one partition per file, in order)."""
        import dask.dataframe as dd

        return dd.read_parquet([str(f) for f in self.files(table)], columns=list(columns) if columns else None)

    def joined(self, table: str, *, columns: Sequence[str] | None = None,
               article_columns: Sequence[str] = ("date", "outlet")) -> Iterator[pd.DataFrame]:
        """Partitions of ``table`` joined with their articles' ``article_columns`` (same partition)."""
        for part, articles in zip(self.partitions(table, columns=columns),
                                  self.partitions("articles", columns=["article_id", *article_columns])):
            yield part.merge(articles, on="article_id", how="left")


# --- measures that add up across partitions ---------------------------------------------


def partitioned_salience(dataset: Dataset, *, actors: Sequence[str], by: Sequence[str] = (),
                         freq: str | None = None) -> pd.DataFrame:
    """:func:`analysis.salience.actor_salience`, computed partition by partition and summed.

    Articles never span partitions, so per-group counts (mentions, articles naming the
    actor, headline and lead articles, articles in the group) add up exactly; shares
    are recomputed from the sums. Equal to the in-memory result.
    """
    from analysis.salience import actor_salience

    keys = list(by) + (["period"] if freq else [])
    counts = ["mentions", "articles", "headline_articles", "lead_articles", "n_articles"]
    parts = []
    for articles, sentences, mentions in zip(
            dataset.partitions("articles"),
            dataset.partitions("sentences", columns=["article_id", "sentence_id", "is_headline", "is_lead"]),
            dataset.partitions("mentions", columns=["article_id", "sentence_id", "actor_id"])):
        parts.append(actor_salience(mentions, sentences, articles, by=by, freq=freq, actors=actors)[
            ["actor_id", *keys, *counts]])
    total = pd.concat(parts).groupby(["actor_id", *keys], sort=False).sum().reset_index()
    total = total[total["n_articles"] > 0] if keys else total
    for share, column in (("share_articles", "articles"), ("share_headline", "headline_articles"),
                          ("share_lead", "lead_articles"), ("mentions_per_article", "mentions")):
        total[share] = total[column] / total["n_articles"].where(total["n_articles"] > 0)
        total[share] = total[share].fillna(0.0)
    order = {actor: i for i, actor in enumerate(actors)}
    total = total.sort_values([*keys, "actor_id"], key=lambda s: s.map(order) if s.name == "actor_id" else s)
    from analysis.salience import SALIENCE_COLUMNS

    return total[[*keys, *SALIENCE_COLUMNS]].reset_index(drop=True)


def partitioned_term_counts(dataset: Dataset, *, by: Sequence[str] = (), drop_stopwords: bool = True,
                            min_length: int = 2) -> pd.DataFrame:
    """Word counts and document frequencies per term (and group), summed over partitions.

    Columns: ``by..., term, count, doc_freq, per_10k`` (per 10,000 words of the group,
    stop words included in the denominator). Articles never span partitions, so
    document frequencies add up exactly.
    """
    keys = list(by)
    counts, totals = [], []
    for tokens in dataset.joined("tokens", columns=["article_id", "lower", "is_stop", "is_word"],
                                 article_columns=keys or ["outlet"]):
        words = tokens[tokens["is_word"]]
        totals.append(words.groupby(keys).size() if keys else pd.Series({"": len(words)}))
        kept = words[(~words["is_stop"] if drop_stopwords else True) & (words["lower"].str.len() >= min_length)]
        count = kept.groupby([*keys, "lower"]).size().rename("count")
        doc_freq = kept.drop_duplicates([*keys, "lower", "article_id"]).groupby([*keys, "lower"]).size()
        counts.append(pd.concat([count, doc_freq.rename("doc_freq")], axis=1))
    if not counts:
        return pd.DataFrame(columns=[*keys, "term", "count", "doc_freq", "per_10k"])
    table = pd.concat(counts).groupby(level=list(range(len(keys) + 1))).sum().reset_index()
    table = table.rename(columns={"lower": "term"})
    words = pd.concat(totals).groupby(level=list(range(len(keys))) if keys else 0).sum()
    if keys:
        table = table.merge(words.rename("_words").reset_index(), on=keys)
        table["per_10k"] = table["count"] / table.pop("_words") * 10_000
    else:
        table["per_10k"] = table["count"] / words.sum() * 10_000
    order = [*keys, "count", "term"]
    return table.sort_values(order, ascending=[True] * len(keys) + [False, True]).reset_index(drop=True)[
        [*keys, "term", "count", "doc_freq", "per_10k"]]


def partitioned_frame_shares(dataset: Dataset, *, table: str = "frames") -> pd.DataFrame:
    """Per actor (and scheme) and frame: the actor's sentences, those with the frame, and the share.

    Computed partition by partition from the ``frames`` layer (sentence rows with
    ``hits``) and the mentions, and summed: an actor's sentence belongs to one partition.
    Columns: ``actor_id, [scheme,] frame, n_sentences, sentences_with_frame, share``.
    """
    with_frame, sentence_counts = [], []
    keys: list[str] = []
    for frames, mentions in zip(dataset.partitions(table),
                                dataset.partitions("mentions", columns=["article_id", "sentence_id", "actor_id"])):
        keys = [k for k in ("scheme", "frame") if k in frames]
        actor_sentences = mentions.drop_duplicates()
        sentence_counts.append(actor_sentences.groupby("actor_id").size())
        framed = frames.loc[frames["hits"] > 0, ["article_id", "sentence_id", *keys]].drop_duplicates()
        with_frame.append(actor_sentences.merge(framed, on=["article_id", "sentence_id"])
                          .groupby(["actor_id", *keys]).size())
    columns = ["actor_id", *keys, "n_sentences", "sentences_with_frame", "share"]
    if not with_frame:
        return pd.DataFrame(columns=columns)
    n_sentences = pd.concat(sentence_counts).groupby(level=0).sum()
    result = pd.concat(with_frame).groupby(level=list(range(len(keys) + 1))).sum()
    result = result.rename("sentences_with_frame").reset_index()
    result["n_sentences"] = result["actor_id"].map(n_sentences).astype("int64")
    result["share"] = result["sentences_with_frame"] / result["n_sentences"]
    return result[columns].sort_values(["actor_id", *keys]).reset_index(drop=True)


def partitioned_tone(dataset: Dataset, *, by: Sequence[str] = (), table: str = "mention_sentiment",
                     score: str = "score", label: str = "label") -> pd.DataFrame:
    """Mean target sentiment per actor (and group) from partition sums, with a normal-approximation 95% CI.

    At this scale the exact bootstrap of :func:`analysis.sentiment.actor_tone` would need
    every mention in memory; sums of n, Σx and Σx² per group give the mean and its standard
    error (CI = mean ± 1.96·s/√n) in one pass. Columns: ``actor_id, by..., n_mentions, mean,
    ci_low, ci_high, share_negative, share_neutral, share_positive``.
    """
    parts = []
    for frame in dataset.joined(table, article_columns=list(by) or ["outlet"]):
        frame = frame.assign(x2=frame[score] ** 2, neg=frame[label].eq("negative"), neu=frame[label].eq("neutral"),
                             pos=frame[label].eq("positive"))
        parts.append(frame.groupby(["actor_id", *by]).agg(n=(score, "size"), sx=(score, "sum"), sx2=("x2", "sum"),
                                                         neg=("neg", "sum"), neu=("neu", "sum"), pos=("pos", "sum")))
    if not parts:
        return pd.DataFrame(columns=["actor_id", *by, "n_mentions", "mean", "ci_low", "ci_high"])
    sums = pd.concat(parts).groupby(level=list(range(len(by) + 1))).sum().reset_index()
    mean = sums["sx"] / sums["n"]
    variance = ((sums["sx2"] - sums["n"] * mean**2) / (sums["n"] - 1)).clip(lower=0)
    half = 1.96 * (variance / sums["n"]) ** 0.5
    return pd.DataFrame({
        "actor_id": sums["actor_id"], **{key: sums[key] for key in by}, "n_mentions": sums["n"].astype("int64"),
        "mean": mean, "ci_low": mean - half.fillna(0), "ci_high": mean + half.fillna(0),
        "share_negative": sums["neg"] / sums["n"], "share_neutral": sums["neu"] / sums["n"],
        "share_positive": sums["pos"] / sums["n"],
    }).sort_values(["actor_id", *by]).reset_index(drop=True)
