"""Benchmark: the batch report cold, warm, unchanged and after adding one actor (issue 17), with medians.

Usage: ``python bench/bench_report.py [--corpus q1|seeds] [--repeat N] [--heavy-repeat N] [--jobs N]
[--notebooks 00 10 ...] [--phases cold,warm,unchanged,added] [--cache DIR]``

Each phase is the command a researcher types, ``python -m analysis report ...`` in a process of
its own (imports included), into one run folder, with the annotation cache in a temporary folder
(``MEDIA_ANALYSIS_CACHE``) and a copy of the seed codebook edited in place:

* **cold**: empty annotation cache, new run folder: everything annotated and executed;
* **warm**: annotation cached, ``--replace --force``: every notebook executed again;
* **unchanged**: ``--replace`` with nothing changed: every run reused (goal on Q1: ≤ 10 s);
* **one actor added**: one actor appended to the codebook, ``--replace``: the corpus-level
  notebooks and the new dossier execute, plus the dossiers of actors whose mentions the new one
  changes (a pronoun now resolved to it); the rest is reused. Each repetition adds another actor.

``--notebooks`` passes a selection to the report (default: every notebook of ``notebooks/``; a
notebook that reads data a key does not cover, such as ``50-validation``, runs in every phase).
``--phases`` leaves phases out; without ``cold``, ``--cache`` names an annotation cache to start from.
Cold and warm run ``--heavy-repeat`` times (default 1: a cold Q1 report takes minutes), the light
phases ``--repeat`` times (default 3); each figure is the median, in wall seconds and in CPU
seconds of the process and its kernels (``getrusage`` of the children), beside the machine's
cores and load average, since other work on a shared machine stretches wall time but not CPU time.
The cold run is the baseline the other phases are compared with (ratio to cold, same run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS, SEEDS  # noqa: E402

#: Actors a researcher might add to the seed codebook for the Q1 corpus (each named there dozens of times).
ADDED_ACTORS = (
    ("shoigu", "Sergei Shoigu", "person", "male", "[Sergei Shoigu, Shoigu]"),
    ("klitschko", "Vitali Klitschko", "person", "male", "[Vitali Klitschko, Vitaliy Klitschko]"),
    ("guterres", "António Guterres", "person", "male", "[António Guterres, Antonio Guterres, Guterres]"),
    ("lukashenko", "Alexander Lukashenko", "person", "male", "[Alexander Lukashenko, Lukashenko]"),
    ("navalny", "Alexei Navalny", "person", "male", "[Alexei Navalny, Navalny]"),
)


def actor_entry(actor: tuple[str, str, str, str, str]) -> str:
    ident, label, kind, gender, aliases = actor
    return f"  - id: {ident}\n    label: {label}\n    type: {kind}\n    gender: {gender}\n    aliases: {aliases}\n"


def run(corpus: Path, codebook: Path, out: Path, *, jobs: int, options: list[str], env: dict[str, str]) -> dict:
    """One ``python -m analysis report`` process: wall and CPU seconds, and what its manifest says."""
    command = [sys.executable, "-m", "analysis", "report", "--corpus", str(corpus), "--codebook", str(codebook),
               "--out", str(out), "--jobs", str(jobs), "--quiet", *options]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"report failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-3000:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    runs = manifest["runs"]
    executed = [r["name"] for r in runs if not r.get("reused")]
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "load": load, "runs": len(runs), "executed": executed, "timings": manifest["timings"],
            "figures": len(manifest["figures"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("q1", "seeds"), default="q1")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of the unchanged and one-actor phases")
    parser.add_argument("--heavy-repeat", type=int, default=1, help="repetitions of the cold and warm phases")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pdf", action="store_true", help="write PDF figures too (as report --pdf)")
    parser.add_argument("--json", type=Path, default=None, help="also write the measurements to this file")
    parser.add_argument("--notebooks", nargs="+", default=None, help="notebook prefixes for the report (default: all)")
    parser.add_argument("--phases", default="cold,warm,unchanged,added",
                        help="comma-separated phases to run (cold, warm, unchanged, added)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="annotation cache to use when the cold phase is left out (default: a new one)")
    args = parser.parse_args(argv)
    corpus = Q1_CORPUS if args.corpus == "q1" else SEEDS
    if not corpus.exists():
        print(f"needs {corpus} (absent)", file=sys.stderr)
        return 2
    if args.repeat > len(ADDED_ACTORS):
        parser.error(f"--repeat at most {len(ADDED_ACTORS)} (one new actor per repetition)")
    phases = set(args.phases.split(","))
    if "cold" in phases and args.cache:
        parser.error("--cache is for runs without the cold phase")
    options = (["--pdf"] if args.pdf else []) + (["--notebooks", *args.notebooks] if args.notebooks else [])
    measured: dict[str, list[dict]] = {"cold": [], "warm": [], "unchanged": [], "one actor added": []}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp)
        codebook, out = folder / "actors.yaml", folder / "run"
        env = dict(os.environ)
        env["MEDIA_ANALYSIS_CACHE"] = str(args.cache or folder / "cache-0")
        shutil.copyfile(DEFAULT_CODEBOOK, codebook)
        for i in range(args.heavy_repeat if "cold" in phases else 0):  # cold: a new cache and folder each time
            shutil.copyfile(DEFAULT_CODEBOOK, codebook)
            shutil.rmtree(out, ignore_errors=True)
            env["MEDIA_ANALYSIS_CACHE"] = str(folder / f"cache-{i}")
            measured["cold"].append(run(corpus, codebook, out, jobs=args.jobs, options=options, env=env))
            progress(measured, "cold", args)
        for i in range(args.heavy_repeat if "warm" in phases or not out.exists() else 0):
            measured["warm"].append(run(corpus, codebook, out, jobs=args.jobs, env=env,
                                        options=[*options, "--replace", "--force"]))
            progress(measured, "warm", args)
        for i in range(args.repeat if "unchanged" in phases else 0):
            measured["unchanged"].append(run(corpus, codebook, out, jobs=args.jobs, env=env,
                                             options=[*options, "--replace"]))
            progress(measured, "unchanged", args)
        for i in range(args.repeat if "added" in phases else 0):
            with codebook.open("a", encoding="utf-8") as handle:
                handle.write(actor_entry(ADDED_ACTORS[i]))
            measured["one actor added"].append(run(corpus, codebook, out, jobs=args.jobs, env=env,
                                                   options=[*options, "--replace"]))
            progress(measured, "one actor added", args)
    report(measured, corpus=corpus, args=args)
    return 0


def progress(measured: dict[str, list[dict]], phase: str, args: argparse.Namespace) -> None:
    """One line on stderr per measurement (and the measurements so far to ``--json``)."""
    row = measured[phase][-1]
    print(f"{phase} {len(measured[phase])}: {row['wall']:.1f} s wall, {row['cpu']:.1f} s CPU, executed "
          f"{len(row['executed'])} of {row['runs']}", file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(measured, indent=1) + "\n")


def report(measured: dict[str, list[dict]], *, corpus: Path, args: argparse.Namespace) -> None:
    goals = {"cold": 60.0, "unchanged": 10.0} if args.corpus == "q1" else {}
    measured = {phase: rows for phase, rows in measured.items() if rows}
    base = "cold" if "cold" in measured else next(iter(measured))
    cold = statistics.median(m["wall"] for m in measured[base])
    cold_cpu = statistics.median(m["cpu"] for m in measured[base])
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; corpus {corpus.name}; jobs {args.jobs}; figures "
          f"{'PNG+SVG+PDF' if args.pdf else 'PNG+SVG'}; notebooks {' '.join(args.notebooks or ['all'])}")
    print(f"{'phase':<16} {'n':>2} {'wall s':>8} {'CPU s':>8} {'vs ' + base:>8} {'load':>5}  runs executed / reused")
    for phase, rows in measured.items():
        wall = statistics.median(m["wall"] for m in rows)
        cpu = statistics.median(m["cpu"] for m in rows)
        load = statistics.median(m["load"] for m in rows)
        executed = statistics.median(len(m["executed"]) for m in rows)
        goal = goals.get(phase)
        verdict = "" if goal is None else f"  [{'meets' if wall <= goal else 'misses'} goal ≤ {goal:.0f} s wall]"
        print(f"{phase:<16} {len(rows):>2} {wall:8.1f} {cpu:8.1f} {wall / cold:8.2f} {load:5.1f}  "
              f"{executed:g} / {rows[0]['runs'] - executed:g} of {rows[0]['runs']}{verdict}")
    for row in measured.get("one actor added", []):
        print(f"  one actor added: executed {', '.join(row['executed'])}")
    for phase in [p for p in ("cold", "warm") if p in measured]:
        timings = measured[phase][0]["timings"]
        print(f"  {phase} stages (s, first run): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    print(f"{base} CPU {cold_cpu:.0f} s over {os.cpu_count()} cores: at best {cold_cpu / (os.cpu_count() or 1):.0f} s "
          "wall on an idle machine")


if __name__ == "__main__":
    sys.exit(main())
