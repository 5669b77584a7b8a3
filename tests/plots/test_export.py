"""Figure export: byte-identical files across runs and processes, editable text, a manifest."""

from __future__ import annotations

import json
import subprocess
import sys

from analysis.plots.export import figure_bytes, new_figure, note_figure, read_manifest, save_figure, slug

SCRIPT = """
import sys
from analysis.plots.export import new_figure, save_figure
fig, ax = new_figure(width=3, height=2)
ax.plot([1, 2, 3], [3, 1, 2], label="Russia")
ax.set_title("Mentions <per> week")
ax.legend()
save_figure(fig, "demo", folder=sys.argv[1], notebook="test", parameters={"top_n": 3}, caption="A demo.")
"""


def _draw():
    fig, ax = new_figure(width=3, height=2)
    ax.bar(["a", "b"], [1, 2])
    ax.set_title("Title text")
    return fig


def test_same_figure_same_bytes_in_one_process():
    for fmt in ("png", "svg", "pdf"):
        assert figure_bytes(_draw(), fmt) == figure_bytes(_draw(), fmt)


def test_same_bytes_across_processes(tmp_path):
    for run in ("one", "two"):
        subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / run)], check=True)
    for fmt in ("png", "svg", "pdf"):
        assert (tmp_path / "one" / f"demo.{fmt}").read_bytes() == (tmp_path / "two" / f"demo.{fmt}").read_bytes()
    svg = (tmp_path / "one" / "demo.svg").read_text()
    assert "Mentions &lt;per&gt; week" in svg  # text stays text (svg.fonttype none), escaped
    assert "<dc:date>" not in svg
    pdf = (tmp_path / "one" / "demo.pdf").read_bytes()
    assert b"CreationDate" not in pdf


def test_manifest_records_each_figure(tmp_path):
    save_figure(_draw(), "First Figure", folder=tmp_path, notebook="nb", parameters={"corpus": "seeds"},
                caption="One.")
    save_figure(note_figure("Nothing to show."), "second", folder=tmp_path, notebook="nb")
    manifest = read_manifest(tmp_path)
    assert list(manifest) == ["first-figure", "second"]
    assert manifest["first-figure"] == {"name": "first-figure", "notebook": "nb", "caption": "One.",
                                        "files": ["first-figure.png", "first-figure.svg", "first-figure.pdf"],
                                        "parameters": {"corpus": "seeds"}}
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "first-figure.pdf", "first-figure.png", "first-figure.svg", "manifest.json",
        "second.pdf", "second.png", "second.svg"]


def test_slug_is_a_safe_file_name():
    assert slug("../x") == "x"
    assert slug("Joe Biden / U.S.") == "joe-biden-u-s"
    assert slug("") == "untitled"


def _embedded_fonts(pdf: bytes) -> list:
    """The TrueType fonts embedded in a PDF (its FlateDecode streams that parse as fonts)."""
    import io
    import re
    import zlib

    from fontTools.ttLib import TTFont

    fonts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            continue
        if data[:4] in (b"\x00\x01\x00\x00", b"true"):
            fonts.append(TTFont(io.BytesIO(data)))
    return fonts


def test_pdf_embeds_the_used_glyphs_without_layout_tables():
    from analysis.plots.export import LAYOUT_TABLES

    fonts = _embedded_fonts(figure_bytes(_draw(), "pdf"))
    assert len(fonts) == 1  # DejaVu Sans, Type 42
    font = fonts[0]
    assert not set(LAYOUT_TABLES) & set(font.keys())
    assert {"glyf", "hmtx", "cmap", "post"} <= set(font.keys())
    names = set(font.getGlyphOrder())
    assert {"T", "i", "t", "l", "e", "x"} <= names  # "Title text" is drawn with real glyph outlines
    assert font["glyf"]["T"].numberOfContours > 0


def test_show_figure_displays_the_export_scaled_to_screen(tmp_path, monkeypatch):
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from analysis.plots import export as figures

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    fig = _draw()  # 3 x 2 inches
    figures.show_figure(fig, "shown", "A caption.", folder=tmp_path, notebook="nb")
    exported = Image.open(tmp_path / "shown.png")
    assert exported.size == (900, 600)  # 300 dpi
    (image,) = shown
    screen = Image.open(io.BytesIO(image.data))
    assert screen.size == (300, 200)  # figure.dpi = 100
    assert screen.getpixel((0, 0))[:3] == (255, 255, 255)
    assert fig.number not in plt.get_fignums()  # closed
    assert read_manifest(tmp_path)["shown"]["caption"] == "A caption."
