"""Figure style and export: every figure through one helper, byte-identical across runs.

:func:`use_style` applies the house style (:data:`STYLE`), optionally with a named style
(:data:`STYLES`: ``"paper"``, ``"greyscale"``) or a ``.mplstyle`` file on top; figures are
drawn and exported in the style that is active.

:func:`save_figure` writes PNG (at the style's ``savefig.dpi``, 300 in the house style),
SVG and PDF (all three unless ``$MEDIA_ANALYSIS_FIGURE_FORMATS`` names fewer: :func:`default_formats`;
the batch report writes PDF only with ``--pdf``) with fixed metadata (no dates; ``svg.hashsalt`` fixed; text kept as text:
``svg.fonttype = "none"``, ``pdf.fonttype = 42``: :data:`SAVE_FIXED`), the data behind the
figure as ``<name>.csv`` (the numbers plotted, one tidy table: what the plot function
attached with :func:`attach_data`, or ``data=``), and records an entry in
``manifest.json`` beside the files: file names, data file, notebook, parameters and
caption, so a write-up can cite where each figure came from. :func:`show_figure` also
displays it in the notebook, scaled down from the exported PNG, so what a reader sees is
what the write-up gets, and the figure is drawn once per format rather than once more
for the screen.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any, Iterator, Mapping

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.errors import InputError
from analysis.paths import FIGURES, PROJ_ROOT, RESOURCES
from analysis.plots.layout import drawn_pixels
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
#: Set at export whatever the style: byte-identical files (hash salt), editable text, the figure's own size.
SAVE_FIXED: dict[str, Any] = {"svg.hashsalt": "media-analysis", "svg.fonttype": "none", "pdf.fonttype": 42,
                              "ps.fonttype": 42, "savefig.bbox": "standard"}
#: Named styles applied on top of :data:`STYLE` (``.mplstyle`` files: copy one to start your own).
STYLES: dict[str, Path] = {"paper": RESOURCES / "styles" / "paper.mplstyle",
                           "greyscale": RESOURCES / "styles" / "greyscale.mplstyle"}
#: Metadata that would change from run to run (dates) or machine to machine, blanked (the PNG
#: files are encoded by Pillow with their resolution only: see :func:`_png`).
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
FORMATS = ("png", "svg", "pdf")
#: Environment variable naming the formats written when a call gives none (``png,svg``): the batch
#: report sets it for its kernels (PDF only with ``--pdf``); unset, every format of :data:`FORMATS`.
FORMATS_VARIABLE = "MEDIA_ANALYSIS_FIGURE_FORMATS"
#: Environment variable naming a folder for a small preview PNG of each figure :func:`show_figure`
#: exports (the batch report's ``thumbnails/``), made from the pixels already drawn: the report
#: then need not read each 300-dpi PNG back (half of a thumbnail's cost).
THUMBNAILS_VARIABLE = "MEDIA_ANALYSIS_THUMBNAILS"
#: Width in pixels of an index thumbnail (1.5 times the 20em a figure takes on the index: sharp enough for a preview).
THUMBNAIL_WIDTH = 480
_SLUG = re.compile(r"[^a-z0-9]+")


#: rcParams a style has set, with their values before the first style was applied (restored on each switch).
_TOUCHED: dict[str, Any] = {}
_ACTIVE: list[str] = []


def use_style(style: str | Path = "default") -> None:
    """Apply the house style, then ``style`` on top: ``"default"`` (the house style alone), a name of
    :data:`STYLES` (``"paper"``, ``"greyscale"``) or the path of a ``.mplstyle`` file.

    Call it once per notebook, before drawing (plot functions apply the house style only
    when no style was chosen yet). Settings a previous style changed are first put back, so
    styles do not pile up. A relative path is read from the working folder or the project
    root. Raises :class:`InputError` for an unknown name or a missing or unreadable file.
    """
    settings = dict(STYLE)
    if str(style) != "default":
        settings.update(_read_style(style_path(style)))
    for key in settings:
        _TOUCHED.setdefault(key, matplotlib.rcParams[key])
    matplotlib.rcParams.update(_TOUCHED)
    matplotlib.rcParams.update(settings)
    _ACTIVE[:] = [str(style)]


def active_style() -> str:
    """The style last applied by :func:`use_style` (``""`` before any)."""
    return _ACTIVE[0] if _ACTIVE else ""


def style_path(style: str | Path) -> Path:
    """The ``.mplstyle`` file of a style name of :data:`STYLES` or a path (else :class:`InputError`)."""
    if str(style) in STYLES:
        return STYLES[str(style)]
    path = Path(style)
    candidates = [path] if path.is_absolute() else [path, PROJ_ROOT / path]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise InputError(f"style {str(style)!r}: expected 'default', one of {', '.join(STYLES)} or the path of "
                         f"a .mplstyle file (relative to the working folder or {PROJ_ROOT})")
    return found


def _read_style(path: Path) -> dict[str, Any]:
    """The settings of a ``.mplstyle`` file, validated by matplotlib (backend settings left out)."""
    try:
        params = matplotlib.rc_params_from_file(path, use_default_template=False)
    except (OSError, ValueError) as error:
        raise InputError(f"style file {path}: expected a matplotlib .mplstyle file ({error})") from None
    return {k: v for k, v in params.items() if not k.startswith(("backend", "interactive"))}


def _ensure_style() -> None:
    """The house style, unless a style was chosen already (by the notebook, or an earlier figure)."""
    if not _ACTIVE:
        use_style()


def save_dpi(fig: Figure) -> float:
    """The export resolution: the active style's ``savefig.dpi`` (the figure's own dpi for ``"figure"``)."""
    dpi = matplotlib.rcParams["savefig.dpi"]
    return float(fig.dpi if dpi == "figure" else dpi)


def slug(text: str, *, max_length: int = 80) -> str:
    """A safe file-name fragment: lower-case ASCII letters, digits and '-' ('../x' → 'x')."""
    value = _SLUG.sub("-", str(text).lower()).strip("-")[:max_length].strip("-")
    return value or "untitled"


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure rendered in ``fmt`` in the active style, with :data:`SAVE_FIXED` and blank volatile metadata."""
    if fmt == "png":
        return _png(figure_pixels(fig), dpi=save_dpi(fig), level=EXPORT_PNG_LEVEL)
    if fmt in ("pdf", "ps", "eps"):
        _lean_font_subsets()
    buffer = BytesIO()
    with matplotlib.rc_context(SAVE_FIXED):
        fig.savefig(buffer, format=fmt, dpi=save_dpi(fig), metadata=_METADATA[fmt])
    return buffer.getvalue()


def figure_pixels(fig: Figure, *, dpi: float | None = None) -> Any:
    """The figure drawn by Agg at ``dpi`` (default :func:`save_dpi`), as an RGB ``PIL.Image`` (the
    background is opaque). At the figure's own dpi, the pixels of its last layout pass are taken
    when that pass painted them and nothing changed since (:func:`analysis.plots.layout.drawn_pixels`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas, dpi, target = fig.canvas, fig.dpi, save_dpi(fig) if dpi is None else dpi
    drawn = drawn_pixels(fig) if target == dpi else None
    if drawn is not None:
        return Image.frombuffer("RGBA", (drawn.shape[1], drawn.shape[0]), drawn, "raw", "RGBA", 0, 1).convert("RGB")
    try:
        agg = FigureCanvasAgg(fig)  # binds itself to the figure until the original canvas is put back
        fig.dpi = target
        with matplotlib.rc_context(SAVE_FIXED):
            data, size = agg.print_to_buffer()
    finally:
        fig.dpi = dpi
        fig.set_canvas(canvas)
    return Image.frombuffer("RGBA", size, data, "raw", "RGBA", 0, 1).convert("RGB")


#: zlib level of exported PNG files. Level 3 encodes a 300-dpi chart about 30% faster than Pillow's
#: default 6, for files about 15% larger (``bench/bench_export.py``): a report writes some 170 of them.
EXPORT_PNG_LEVEL = 3


def _png(image: Any, *, dpi: float, level: int = 6) -> bytes:
    """PNG bytes of a PIL image with its resolution recorded and no other metadata (deterministic),
    compressed at zlib ``level``."""
    buffer = BytesIO()
    image.save(buffer, format="png", dpi=(dpi, dpi), compress_level=level)
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
                formats: tuple[str, ...] | None = None, data: pd.DataFrame | None = None) -> None:
    """Write ``fig`` as ``<folder>/<slug(name)>.{png,svg,pdf}`` and its data as ``.csv``, and record them.

    ``formats``: default :func:`default_formats` (all three unless the batch report chose).
    ``data``: the numbers plotted, as a tidy table (default: what the plot function
    attached, :func:`figure_data`; a figure without data gets no CSV). Files are written
    atomically. Returns nothing, so that a notebook cell ending in ``save_figure(...)``
    shows only the figure; :func:`read_manifest` gives the entries.
    """
    _export(fig, name, folder=folder, notebook=notebook, parameters=parameters, caption=caption, formats=formats,
            data=data)


def _export(fig: Figure, name: str, *, folder: str | Path, notebook: str, parameters: Mapping[str, Any] | None,
            caption: str, formats: tuple[str, ...] | None = None, pixels: Any = None,
            data: pd.DataFrame | None = None) -> None:
    """:func:`save_figure`'s work; ``pixels`` is the figure already drawn by :func:`figure_pixels`, if it was."""
    folder = Path(folder)
    stem = slug(name)
    formats = formats or default_formats()
    for fmt in formats:
        content = (_png(pixels, dpi=save_dpi(fig), level=EXPORT_PNG_LEVEL) if fmt == "png" and pixels is not None
                   else figure_bytes(fig, fmt))
        write_bytes_atomic(folder / f"{stem}.{fmt}", content)
    entry = {"name": stem, "files": [f"{stem}.{fmt}" for fmt in formats], "notebook": notebook, "caption": caption,
             "parameters": _jsonable(parameters or {})}
    table = data if data is not None else figure_data(fig)
    if table is not None:
        write_bytes_atomic(folder / f"{stem}.csv", data_bytes(table))
        entry["files"].append(f"{stem}.csv")
        entry["data"] = f"{stem}.csv"
    with _locked(folder / ".manifest.lock"):
        manifest = read_manifest(folder)
        manifest[stem] = entry
        write_json_atomic(folder / "manifest.json", dict(sorted(manifest.items())))


def default_formats() -> tuple[str, ...]:
    """The formats to write when a call names none: :data:`FORMATS_VARIABLE` (comma-separated), else :data:`FORMATS`."""
    value = os.environ.get(FORMATS_VARIABLE, "").strip()
    if not value:
        return FORMATS
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [fmt for fmt in chosen if fmt not in FORMATS]
    if unknown or not chosen:
        raise InputError(f"${FORMATS_VARIABLE}: expected formats among {', '.join(FORMATS)}, comma-separated, "
                         f"got {value!r}")
    return tuple(fmt for fmt in FORMATS if fmt in chosen)


def show_figure(fig: Figure, name: str, caption: str = "", *, folder: str | Path = FIGURES, notebook: str = "",
                parameters: Mapping[str, Any] | None = None, data: pd.DataFrame | None = None) -> None:
    """In a notebook: :func:`save_figure`, display the figure once, and close it (no duplicate, no leak).

    The notebook shows the exported image scaled down to the figure's screen size
    (``figure.dpi``) instead of drawing the figure a fourth time.
    """
    from IPython.display import Image, display

    pixels = figure_pixels(fig)
    _export(fig, name, folder=folder, notebook=notebook, parameters=parameters, caption=caption, pixels=pixels,
            data=data)
    screen = screen_image(pixels, dpi=fig.dpi, source_dpi=save_dpi(fig))
    thumbnails = os.environ.get(THUMBNAILS_VARIABLE)
    if thumbnails and "png" in default_formats():  # written after the PNG, so newer than it
        source = screen if screen.width >= THUMBNAIL_WIDTH else pixels  # fewer pixels to scale, never upscaled
        write_bytes_atomic(Path(thumbnails) / f"{slug(name)}.png", thumbnail_png(source))
    display(Image(data=_png(screen, dpi=fig.dpi), format="png"))
    plt.close(fig)


def thumbnail_png(image: Any) -> bytes:
    """PNG bytes of ``image`` (RGB) scaled to :data:`THUMBNAIL_WIDTH` pixels wide (a box reduction,
    then Lanczos) with a palette of at most 256 colours (fast octree, no dithering): small, and
    deterministic. The octree and zlib's default effort take about 0.01 s a figure, against 0.045 s
    for median cut and ``optimize``, for files of about the same size that look the same at 480 px."""
    from PIL import Image

    factor = image.width // (2 * THUMBNAIL_WIDTH)
    small = image.reduce(factor) if factor > 1 else image.copy()
    small.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 8), Image.Resampling.LANCZOS)
    small = small.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = BytesIO()
    small.save(buffer, format="png")
    return buffer.getvalue()


def screen_image(image: Any, *, dpi: float = STYLE["figure.dpi"], source_dpi: float = STYLE["savefig.dpi"]) -> Any:
    """An image drawn at ``source_dpi`` (the export's) scaled down to ``dpi`` for the screen.

    Each screen pixel is the mean of the block of exported pixels it covers (a box
    filter: the 300-dpi export acts as 3x3 supersampling of a 100-dpi image).
    """
    from PIL import Image

    factor = source_dpi / dpi
    if factor == int(factor):
        return image.reduce(int(factor))
    size = (max(1, round(image.width / factor)), max(1, round(image.height / factor)))
    return image.resize(size, Image.Resampling.BOX)


# --- the data behind a figure -------------------------------------------------------------------

_DATA_ATTRIBUTE = "_analysis_data"
#: Significant digits of floating-point numbers in a figure's CSV (more than any chart can show).
DATA_DIGITS = 6


def attach_data(fig: Figure, data: pd.DataFrame) -> Figure:
    """Keep ``data`` (the numbers the figure plots, tidy) with ``fig`` for :func:`save_figure`; returns ``fig``."""
    setattr(fig, _DATA_ATTRIBUTE, data.reset_index(drop=True))
    return fig


def figure_data(fig: Figure) -> pd.DataFrame | None:
    """The table attached by :func:`attach_data`, or ``None``."""
    return getattr(fig, _DATA_ATTRIBUTE, None)


def data_bytes(data: pd.DataFrame) -> bytes:
    """A table as CSV bytes: no index, ``\\n`` line ends, floats to :data:`DATA_DIGITS` significant digits.

    The same table gives the same bytes (dates as ``YYYY-MM-DD`` where they have no time).
    """
    table = data.reset_index(drop=True).copy()
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            table[column] = table[column].map(_significant)
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _significant(value: float) -> float:
    return float(f"{value:.{DATA_DIGITS}g}") if np.isfinite(value) else value


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
    """A figure in the active style (the house style if none was chosen), sized in inches (6.5 in: a journal column)."""
    _ensure_style()
    fig, axes = plt.subplots(figsize=(width, height), **kwargs)
    return fig, axes


def note_figure(message: str, *, width: float = 6.5, height: float = 1.2) -> Figure:
    """A small figure that says why there is nothing to plot (thin data), instead of an empty chart.

    Its data (for the CSV beside it) is the message, in a column ``note``.
    """
    import textwrap

    lines = textwrap.wrap(message, width=int(width * 13)) or [""]
    fig, ax = new_figure(width=width, height=max(height, 0.18 * len(lines) + 0.6))
    ax.axis("off")
    ax.text(0.5, 0.5, "\n".join(lines), ha="center", va="center", fontsize=9, color="#444444")
    return attach_data(fig, pd.DataFrame({"note": [message]}))
