"""Scale benchmark: a 100,000-article corpus annotated with `processes` and with `dask`.

The corpus is the Q1 corpus repeated with new ids and dates shifted by a week per copy,
generated into a temporary folder (never committed). For each engine and worker count
the corpus is streamed, annotated and written as a partitioned Parquet dataset
(:func:`analysis.annotate.dataset.annotate_dataset`); measured: wall time, articles/s per core,
parallel efficiency from 1 to 2 workers (T1 / (2 * T2); goal >= 80%), and the peak
resident memory of the whole process tree (sampled every 0.2 s; goal <= 2 GB). Then the
time of the partitioned measures (salience by outlet and month, term counts by outlet).

Usage: python bench/bench_scale.py [--articles 100000] [--chunk-size 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
import psutil  # noqa: E402

from analysis.corpus.codebook import load_codebook  # noqa: E402
from analysis.annotate.dataset import annotate_dataset  # noqa: E402
from analysis.framing.partitioned import partitioned_salience  # noqa: E402
from analysis.terms.partitioned import partitioned_term_counts  # noqa: E402
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS  # noqa: E402


def make_corpus(path: Path, n: int) -> int:
    """Write ``n`` articles: Q1 copies with new ids and dates shifted by 7 days per copy; return bytes of text."""
    source = pd.read_csv(Q1_CORPUS, dtype=str, keep_default_na=False)
    dates = pd.to_datetime(source["date"])
    written = chars = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["doc_id", "date", "outlet", "title", "text", "url"])
        copy = 0
        while written < n:
            shifted = (dates + pd.Timedelta(days=7 * copy)).dt.strftime("%Y-%m-%d")
            for i, row in enumerate(source.itertuples(index=False)):
                if written >= n:
                    break
                writer.writerow([f"{row.doc_id}-c{copy:03d}", shifted.iloc[i], row.outlet, row.title, row.text,
                                 row.url])
                written += 1
                chars += len(row.title) + len(row.text)
            copy += 1
    return chars


class PeakMemory:
    """Peak resident memory of this process and all its children, sampled in a thread."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated corpus and datasets here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="media-analysis-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.csv"
    chars = make_corpus(corpus, args.articles)
    print(f"corpus: {args.articles:,} articles, {chars / 1e6:.0f} M characters, {corpus.stat().st_size / 1e6:.0f} MB "
          f"CSV; chunk size {args.chunk_size}")
    codebook = load_codebook(DEFAULT_CODEBOOK)
    rows = []
    datasets = {}
    for engine, workers in (("processes", 1), ("processes", 2), ("dask", 1), ("dask", 2)):
        out = folder / f"ds-{engine}-{workers}"
        with PeakMemory() as memory:
            started = time.perf_counter()
            dataset = annotate_dataset(corpus, codebook, out, engine=engine, workers=workers,
                                       chunk_size=args.chunk_size, replace=True, progress=False)
            seconds = time.perf_counter() - started
        datasets[(engine, workers)] = dataset
        rows.append({"engine": engine, "workers": workers, "seconds": seconds,
                     "articles/s": args.articles / seconds, "articles/s/core": args.articles / seconds / workers,
                     "MB/s/core": chars / 1e6 / seconds / workers, "peak RSS MB": memory.peak / 1e6})
    table = pd.DataFrame(rows)
    for engine in ("processes", "dask"):
        one, two = (table[(table.engine == engine) & (table.workers == w)]["seconds"].iloc[0] for w in (1, 2))
        table.loc[(table.engine == engine) & (table.workers == 2), "efficiency 1->2"] = one / (2 * two)
    print(table.round(3).to_string(index=False))
    dataset = datasets[("dask", 2)]
    with PeakMemory() as memory:
        started = time.perf_counter()
        partitioned_salience(dataset, actors=codebook.ids, by=["outlet"], freq="M")
        salience_seconds = time.perf_counter() - started
        started = time.perf_counter()
        partitioned_term_counts(dataset, by=["outlet"])
        terms_seconds = time.perf_counter() - started
    print(f"\nmeasures from the partitions: salience by outlet x month {salience_seconds:.1f} s, "
          f"term counts by outlet {terms_seconds:.1f} s, peak RSS {memory.peak / 1e6:.0f} MB")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
