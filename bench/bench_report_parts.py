"""The parts of a batch report that this suite does its own way, each beside what it replaced (issue 17).

A whole report is too noisy on a shared machine to show savings of a few percent (two cold
Q1 reports of the same code differ by 20%), so each part is timed on its own, in CPU
seconds, the new way beside the old way in the same run:

1. **HTML page** of each executed notebook of ``--run`` (a finished report folder):
   nbconvert's ``HTMLExporter`` (which re-parses the page with BeautifulSoup to add alt text
   and tab stops) vs the report's exporter (:func:`analysis.report.html.accessible` on the
   text); both pages are checked to be the same document.
2. **Thumbnail** of each PNG figure of ``--run``: the report reading the 300-dpi PNG back
   (median cut, ``optimize``: the old way) vs the kernel scaling the screen pixels it has
   already drawn (:func:`analysis.plots.export.thumbnail_png`).
3. **Candidate names** of the corpus (notebook 00): found by scanning every article vs read
   from the cache (:meth:`analysis.annotate.workspace.Workspace.discovered`).
4. **A kernel's parameter check** (:func:`analysis.report.checks.check_parameters` reads the
   notebook's ``parameters`` cell): ``nbformat.read`` (importing nbformat and jsonschema) vs
   the cell read as plain JSON, each in a fresh process.

Usage: python bench/bench_report_parts.py --run runs/seeds [--corpus seeds] [--repeat 3]
(``--corpus q1`` needs ../shared; ``--run`` a folder written by ``python -m analysis report``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cpu(function, *args, **kwargs) -> tuple[float, object]:
    """CPU seconds of one call, and its result."""
    start = time.process_time()
    result = function(*args, **kwargs)
    return time.process_time() - start, result


def html_pages(run: Path) -> None:
    import nbformat
    from bs4 import BeautifulSoup
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    from analysis.report.html import _TEMPLATE, _exporter

    plain = HTMLExporter(extra_loaders=[DictLoader({"report.html.j2": _TEMPLATE})], template_file="report.html.j2",
                         exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True)
    ours, old, new, same = _exporter(False), [], [], 0
    notebooks = sorted((run / "notebooks").glob("*.ipynb"))
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        seconds, (expected, _) = cpu(plain.from_notebook_node, nbformat.from_dict(nb),
                                     resources={"metadata": {"name": "t"}})
        old.append(seconds)
        seconds, (page, _) = cpu(ours.from_notebook_node, nbformat.from_dict(nb), resources={"metadata": {"name": "t"}})
        new.append(seconds)
        same += str(BeautifulSoup(page, features="html.parser")) == expected
    print(f"1. HTML page, {len(notebooks)} notebooks: HTMLExporter {statistics.median(old):.3f} s, ours "
          f"{statistics.median(new):.3f} s per page (median); total {sum(old):.1f} s vs {sum(new):.1f} s; "
          f"same document: {same} of {len(notebooks)}")


def _old_thumbnail(path: Path) -> bytes:
    """What the report did before: the 300-dpi PNG read back, median cut, ``optimize``."""
    from io import BytesIO

    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB")
    factor = small.width // 960
    if factor > 1:
        small = small.reduce(factor)
    small.thumbnail((480, 3840), Image.Resampling.LANCZOS)
    small = small.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = BytesIO()
    small.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def thumbnails(run: Path) -> None:
    from PIL import Image

    from analysis.plots.export import THUMBNAIL_WIDTH, screen_image, thumbnail_png

    old, new, sizes = [], [], [0, 0]
    pngs = sorted((run / "figures").glob("*.png"))
    for path in pngs:
        seconds, data = cpu(_old_thumbnail, path)
        old.append(seconds)
        sizes[0] += len(data)
        with Image.open(path) as image:
            screen = screen_image(image.convert("RGB"), dpi=100, source_dpi=300)  # what the kernel holds
        source = screen if screen.width >= THUMBNAIL_WIDTH else None
        if source is None:
            with Image.open(path) as image:
                source = image.convert("RGB")
        seconds, data = cpu(thumbnail_png, source)
        new.append(seconds)
        sizes[1] += len(data)
    print(f"2. thumbnail, {len(pngs)} figures: PNG read back {statistics.median(old):.3f} s, from the screen pixels "
          f"{statistics.median(new):.3f} s per figure (median); total {sum(old):.1f} s vs {sum(new):.1f} s; "
          f"{sizes[0] / max(len(pngs), 1) / 1024:.0f} kB vs {sizes[1] / max(len(pngs), 1) / 1024:.0f} kB each")


def candidates(corpus: str, repeat: int) -> None:
    from analysis.annotate.workspace import open_workspace
    from analysis.corpus.candidates import discover_unlabelled

    with tempfile.TemporaryDirectory() as folder:
        ws = open_workspace(corpus=corpus, layers=(), cache=Path(folder))
        cold = [cpu(discover_unlabelled, ws.articles)[0] for _ in range(repeat)]
        ws.discovered()  # written once
        cached = [cpu(ws.discovered)[0] for _ in range(repeat)]
    print(f"3. candidate names, {len(ws.articles):,} articles: scanned {statistics.median(cold):.2f} s, "
          f"from the cache {statistics.median(cached):.2f} s (median of {repeat})")


_CHECK = """
import time
start = time.process_time()
{how}
print(time.process_time() - start)
"""
_NBFORMAT = ("import ast, nbformat\nfrom analysis.report.parameters import declarations\n"
             "nb = nbformat.read('notebooks/40-actor-profile.ipynb', as_version=4)\n"
             "source = next(c.source for c in nb.cells if 'parameters' in c.metadata.get('tags', []))\n"
             "{n: ast.unparse(a) if a is not None else None for n, a, _ in declarations(source)}")
_JSON = ("from analysis.report.parameters import declared_types\n"
         "declared_types('notebooks/40-actor-profile.ipynb')")


def parameter_check(repeat: int) -> None:
    def fresh(how: str) -> float:
        done = subprocess.run([sys.executable, "-c", _CHECK.format(how=how)], capture_output=True, text=True,
                              cwd=ROOT, check=True)
        return float(done.stdout.strip().splitlines()[-1])

    old, new = [], []
    for _ in range(repeat):
        old.append(fresh(_NBFORMAT))
        new.append(fresh(_JSON))
    print(f"4. a kernel's parameter check, fresh process: nbformat.read {statistics.median(old):.2f} s, "
          f"JSON {statistics.median(new):.2f} s (median of {repeat}, alternating)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=Path, required=True, help="a folder written by python -m analysis report")
    parser.add_argument("--corpus", default="seeds", help="seeds, q1, or a corpus path (default seeds)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (args.run / "notebooks").is_dir():
        raise SystemExit(f"--run {args.run}: expected a report folder (with notebooks/ and figures/)")
    corpus = args.corpus
    if corpus == "q1":
        from analysis.paths import Q1_CORPUS

        if not Q1_CORPUS.is_file():
            raise SystemExit(f"--corpus q1 needs {Q1_CORPUS} (../shared)")
        corpus = str(Q1_CORPUS)
    html_pages(args.run)
    thumbnails(args.run)
    candidates(corpus, args.repeat)
    parameter_check(args.repeat)


if __name__ == "__main__":
    main()
