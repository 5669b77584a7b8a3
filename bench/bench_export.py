"""Figure export: what one draw instead of two saves (PNG, SVG, PDF), on the suite's own figures.

    .venv/bin/python bench/bench_export.py [--corpus seeds] [--repeat 5]

The five figures of the explorer's base view (salience and tone over time, overall tone,
frames, context words: the plot functions the notebooks use) are exported with
:func:`analysis.plots.export.figure_bytes` in each format, alternating two states of the
same figure:

* **as laid out**: as :func:`analysis.plots.layout.finish` leaves it (no layout engine):
  ``savefig`` draws once;
* **baseline**: with the placeholder layout engine that ``Figure.tight_layout`` leaves
  behind (what ``finish`` left before): ``savefig`` draws once to lay out, then again into
  the file.

The bytes of both are compared (they must be the same); the medians and the ratio are printed.
PNG export draws through the Agg canvas directly and never took the extra draw: it is the control.

Then the PNG encoding alone, of the same 300-dpi pixels, alternating the export's zlib level
(:data:`analysis.plots.export.EXPORT_PNG_LEVEL`) with Pillow's default (6): seconds and bytes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from matplotlib.layout_engine import PlaceHolderLayoutEngine

from analysis.annotate.workspace import open_workspace
from analysis.paths import DEFAULT_CODEBOOK, SEEDS
from analysis.plots.export import EXPORT_PNG_LEVEL, _png, figure_bytes, figure_pixels, save_dpi, use_style
from analysis.report.explorer import initial_state, prepare
from analysis.report.explorer_view import view_figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SEEDS)
    parser.add_argument("--codebook", type=Path, default=DEFAULT_CODEBOOK)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    use_style()
    data = prepare(open_workspace(corpus=args.corpus, codebook=args.codebook))
    figures = view_figures(data, initial_state(data))
    print(f"{len(figures)} figures of {args.corpus}: {', '.join(figures)}; {args.repeat} alternating runs each")
    print(f"{'format':6} {'as laid out s':>14} {'baseline s':>11} {'saved':>6}  same bytes")
    for fmt in ("png", "svg", "pdf"):
        laid_out, baseline, same = [], [], True
        for _ in range(args.repeat):
            for fig in figures.values():
                fig.set_layout_engine(None)
                start = time.perf_counter()
                once = figure_bytes(fig, fmt)
                laid_out.append(time.perf_counter() - start)
                fig._layout_engine = PlaceHolderLayoutEngine(True, True)  # what tight_layout leaves behind
                start = time.perf_counter()
                twice = figure_bytes(fig, fmt)
                baseline.append(time.perf_counter() - start)
                same &= once == twice
        a, b = statistics.median(laid_out), statistics.median(baseline)
        print(f"{fmt:6} {a:14.3f} {b:11.3f} {1 - a / b:6.0%}  {'yes' if same else 'NO'}")
    print("seconds: median per figure; saved: 1 - as laid out / baseline")
    png_levels(list(figures.values()), repeat=args.repeat)
    return 0


def png_levels(figures: list, *, repeat: int) -> None:
    """PNG encoding of the same pixels at the export's zlib level and at Pillow's default, alternating."""
    images = [(figure_pixels(fig), save_dpi(fig)) for fig in figures]
    seconds: dict[int, list[float]] = {EXPORT_PNG_LEVEL: [], 6: []}
    size = {level: sum(len(_png(image, dpi=dpi, level=level)) for image, dpi in images) for level in seconds}
    for _ in range(repeat):
        for level in seconds:
            start = time.perf_counter()
            for image, dpi in images:
                _png(image, dpi=dpi, level=level)
            seconds[level].append(time.perf_counter() - start)
    ours, default = (statistics.median(seconds[level]) for level in (EXPORT_PNG_LEVEL, 6))
    print(f"PNG encoding of {len(images)} figures: level {EXPORT_PNG_LEVEL} {ours:.3f} s, {size[EXPORT_PNG_LEVEL]:,} bytes; "
          f"level 6 (Pillow's default) {default:.3f} s, {size[6]:,} bytes: {1 - ours / default:.0%} faster, "
          f"{size[EXPORT_PNG_LEVEL] / size[6] - 1:+.0%} bytes")


if __name__ == "__main__":
    raise SystemExit(main())
