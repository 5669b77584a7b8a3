"""Figure style and export: every figure through one helper, byte-identical across runs.

:func:`save_figure` writes PNG (300 dpi), SVG and PDF with fixed sizes, fonts and
metadata (no dates; ``svg.hashsalt`` fixed; text kept as text: ``svg.fonttype =
"none"``, ``pdf.fonttype = 42``), and records an entry in ``manifest.json`` beside the
files: file names, notebook, parameters and caption, so a write-up can cite where each
figure came from. :func:`show_figure` also displays it in the notebook, scaled down from
the exported PNG, so what a reader sees is what the write-up gets, and the figure is
drawn once per format rather than once more for the screen.
"""

from __future__ import annotations

import fcntl
import json
import re
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any, Iterator, Mapping

import matplotlib

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.paths import FIGURES
from analysis.store import write_bytes_atomic, write_json_atomic

STYLE: dict[str, Any] = {
    "svg.hashsalt": "media-analysis",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "standard",
    "path.simplify": True,
}
#: Metadata that would change from run to run (dates) or machine to machine, blanked (the PNG
#: files are encoded by Pillow with their resolution only: see :func:`_png`).
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
FORMATS = ("png", "svg", "pdf")
_SLUG = re.compile(r"[^a-z0-9]+")


def use_style() -> None:
    """Apply the suite's figure style (call once per notebook; plot functions call it too)."""
    matplotlib.rcParams.update(STYLE)


def slug(text: str, *, max_length: int = 80) -> str:
    """A safe file-name fragment: lower-case ASCII letters, digits and '-' ('../x' → 'x')."""
    value = _SLUG.sub("-", str(text).lower()).strip("-")[:max_length].strip("-")
    return value or "untitled"


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure rendered in ``fmt`` with the fixed style and blank volatile metadata."""
    if fmt == "png":
        return _png(_pixels(fig), dpi=STYLE["savefig.dpi"])
    if fmt in ("pdf", "ps", "eps"):
        _lean_font_subsets()
    buffer = BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format=fmt, dpi=STYLE["savefig.dpi"], metadata=_METADATA[fmt])
    return buffer.getvalue()


def _pixels(fig: Figure) -> Any:
    """The figure drawn by Agg at ``savefig.dpi``, as an RGB ``PIL.Image`` (the background is opaque)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas, dpi = fig.canvas, fig.dpi
    try:
        agg = FigureCanvasAgg(fig)  # binds itself to the figure until the original canvas is put back
        fig.dpi = STYLE["savefig.dpi"]
        with matplotlib.rc_context(STYLE):
            data, size = agg.print_to_buffer()
    finally:
        fig.dpi = dpi
        fig.set_canvas(canvas)
    return Image.frombuffer("RGBA", size, data, "raw", "RGBA", 0, 1).convert("RGB")


def _png(image: Any, *, dpi: float) -> bytes:
    """PNG bytes of a PIL image with its resolution recorded and no other metadata (deterministic)."""
    buffer = BytesIO()
    image.save(buffer, format="png", dpi=(dpi, dpi))
    return buffer.getvalue()


#: OpenType layout tables left out of the fonts embedded in PDF (and PS) files.
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern")


def _lean_font_subsets() -> None:
    """Embed fonts in PDFs without their OpenType layout tables (once per process).

    With ``pdf.fonttype = 42`` matplotlib embeds a fontTools subset of each font it
    used. For DejaVu Sans most of that time goes into subsetting the GSUB/GPOS layout
    tables, which no PDF reader uses: matplotlib positions every glyph itself (kerning
    included) and the page places glyphs by index. Leaving the tables out makes a
    figure's PDF export about twice as fast and the embedded font smaller; outlines,
    metrics and glyph names are unchanged (``tests/test_figures.py`` reads the font
    back). matplotlib keeps its own subsetting when its internals differ from the
    pinned version's (the hook is then simply not installed).
    """
    from fontTools import subset
    from matplotlib.backends import _backend_pdf_ps

    module = getattr(_backend_pdf_ps, "subset", None)
    if module is not subset:  # already installed, or a matplotlib that subsets differently
        return

    class LeanOptions(subset.Options):
        def __init__(self, **kwargs: Any):
            super().__init__(**kwargs)
            self.drop_tables = [*self.drop_tables, *LAYOUT_TABLES]

    class LeanSubset:
        """``fontTools.subset`` as matplotlib's PDF backend sees it: fonts load without their
        layout tables (deleted before fontTools would read them), and stay without them."""

        Options = LeanOptions

        @staticmethod
        def load_font(*args: Any, **kwargs: Any) -> Any:
            font = subset.load_font(*args, **kwargs)
            for tag in LAYOUT_TABLES:
                if tag in font:
                    del font[tag]
            return font

        def __getattr__(self, name: str) -> Any:
            return getattr(subset, name)

    _backend_pdf_ps.subset = LeanSubset()


def save_figure(fig: Figure, name: str, *, folder: str | Path = FIGURES, notebook: str = "",
                parameters: Mapping[str, Any] | None = None, caption: str = "",
                formats: tuple[str, ...] = FORMATS) -> None:
    """Write ``fig`` as ``<folder>/<slug(name)>.{png,svg,pdf}`` atomically and record it in the manifest.

    Returns nothing, so that a notebook cell ending in ``save_figure(...)`` shows only
    the figure; :func:`read_manifest` gives the entries.
    """
    _export(fig, name, folder=folder, notebook=notebook, parameters=parameters, caption=caption, formats=formats)


def _export(fig: Figure, name: str, *, folder: str | Path, notebook: str, parameters: Mapping[str, Any] | None,
            caption: str, formats: tuple[str, ...] = FORMATS, pixels: Any = None) -> None:
    """:func:`save_figure`'s work; ``pixels`` is the figure already drawn by :func:`_pixels`, if it was."""
    folder = Path(folder)
    stem = slug(name)
    for fmt in formats:
        data = _png(pixels, dpi=STYLE["savefig.dpi"]) if fmt == "png" and pixels is not None else figure_bytes(fig, fmt)
        write_bytes_atomic(folder / f"{stem}.{fmt}", data)
    entry = {"name": stem, "files": [f"{stem}.{fmt}" for fmt in formats], "notebook": notebook, "caption": caption,
             "parameters": _jsonable(parameters or {})}
    with _locked(folder / ".manifest.lock"):
        manifest = read_manifest(folder)
        manifest[stem] = entry
        write_json_atomic(folder / "manifest.json", dict(sorted(manifest.items())))


def show_figure(fig: Figure, name: str, caption: str = "", *, folder: str | Path = FIGURES, notebook: str = "",
                parameters: Mapping[str, Any] | None = None) -> None:
    """In a notebook: :func:`save_figure`, display the figure once, and close it (no duplicate, no leak).

    The notebook shows the exported 300-dpi image scaled down to the figure's screen
    size (``figure.dpi``) instead of drawing the figure a fourth time.
    """
    from IPython.display import Image, display

    pixels = _pixels(fig)
    _export(fig, name, folder=folder, notebook=notebook, parameters=parameters, caption=caption, pixels=pixels)
    display(Image(data=_png(screen_image(pixels, dpi=fig.dpi), dpi=fig.dpi), format="png"))
    plt.close(fig)


def screen_image(image: Any, *, dpi: float = STYLE["figure.dpi"]) -> Any:
    """An image drawn at ``savefig.dpi`` scaled down to ``dpi`` for the screen.

    Each screen pixel is the mean of the block of exported pixels it covers (a box
    filter: the 300-dpi export acts as 3x3 supersampling of a 100-dpi image).
    """
    from PIL import Image

    factor = STYLE["savefig.dpi"] / dpi
    if factor == int(factor):
        return image.reduce(int(factor))
    size = (max(1, round(image.width / factor)), max(1, round(image.height / factor)))
    return image.resize(size, Image.Resampling.BOX)


def read_manifest(folder: str | Path = FIGURES) -> dict[str, Any]:
    path = Path(folder) / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, sort_keys=True))


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock so that parallel notebook runs can share one manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_figure(*, width: float = 6.5, height: float = 3.5, **kwargs: Any) -> tuple[Figure, Any]:
    """A figure in the suite's style, sized in inches for a journal column (6.5 in wide)."""
    use_style()
    fig, axes = plt.subplots(figsize=(width, height), **kwargs)
    return fig, axes


def note_figure(message: str, *, width: float = 6.5, height: float = 1.2) -> Figure:
    """A small figure that says why there is nothing to plot (thin data), instead of an empty chart."""
    fig, ax = new_figure(width=width, height=height)
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=9, color="#444444")
    return fig
