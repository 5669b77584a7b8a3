"""Sentence-boundary accuracy on NewsMTSC: join gold sentences into paragraphs, re-split, count.

NewsMTSC sentences were split by people (or by the dataset's own tools) from US news; joining
them five at a time with a space and splitting again tests whether the text layer finds each
boundary exactly. Some NewsMTSC "sentences" are headlines or fragments without final
punctuation; no splitter can find a boundary after those, so recall is reported both over
all boundaries and over boundaries after a sentence that ends in . ! or ? (optionally
followed by closing quotes or brackets): the goal (>= 98%) applies to the latter.

Usage: python bench/bench_sentences.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.paths import SHARED  # noqa: E402
from analysis.corpus.text import sentence_spans  # noqa: E402

_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")


def boundary_recall(sentences: list[str], *, group: int = 5) -> dict[str, float]:
    """Share of gold boundaries found exactly: over all, and over punctuated boundaries."""
    found_all = total_all = found_punct = total_punct = 0
    for i in range(0, len(sentences), group):
        chunk = [s.strip() for s in sentences[i:i + group]]
        paragraph = " ".join(chunk)
        predicted = {end for _, end in sentence_spans(paragraph)}
        position = 0
        for sentence in chunk[:-1]:
            position += len(sentence)
            hit = position in predicted
            found_all += hit
            total_all += 1
            if _TERMINAL.search(sentence):
                found_punct += hit
                total_punct += 1
            position += 1
    return {"all": found_all / total_all, "punctuated": found_punct / total_punct,
            "boundaries": total_all, "punctuated_boundaries": total_punct}


def main() -> None:
    folder = SHARED / "data" / "newsmtsc"
    sentences = []
    for name in ("train.jsonl", "devtest_mt.jsonl"):
        sentences += [json.loads(line)["sentence_normalized"] for line in (folder / name).read_text().splitlines()]
    started = time.perf_counter()
    result = boundary_recall(sentences)
    print(f"NewsMTSC sentences: {len(sentences):,}; boundaries: {result['boundaries']:,} "
          f"({result['punctuated_boundaries']:,} after terminal punctuation)")
    print(f"exact boundary recall, all:         {result['all']:.4f}")
    print(f"exact boundary recall, punctuated:  {result['punctuated']:.4f}  (goal >= 0.98)")
    print(f"time: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
