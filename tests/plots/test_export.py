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
    assert manifest["second"]["files"] == ["second.png", "second.svg", "second.pdf", "second.csv"]
    assert manifest["second"]["data"] == "second.csv"  # a note's data: its message
    assert (tmp_path / "second.csv").read_text() == "note\nNothing to show.\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "first-figure.pdf", "first-figure.png", "first-figure.svg", "manifest.json",
        "second.csv", "second.pdf", "second.png", "second.svg"]


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


def test_show_figure_writes_a_thumbnail_where_asked(tmp_path, monkeypatch):
    """With ``$MEDIA_ANALYSIS_THUMBNAILS`` (the batch report sets it): a 480-pixel, 256-colour PNG made
    from the pixels already drawn, written after the figure's PNG; without it, none."""
    import os

    from PIL import Image

    from analysis.plots import export as figures

    monkeypatch.setattr("IPython.display.display", lambda obj: None)
    figures.show_figure(_draw(), "plain", folder=tmp_path / "figures")
    assert not (tmp_path / "thumbs").exists()
    monkeypatch.setenv(figures.THUMBNAILS_VARIABLE, str(tmp_path / "thumbs"))
    monkeypatch.setenv(figures.FORMATS_VARIABLE, "png,svg")
    figures.show_figure(_draw(), "Shown figure", folder=tmp_path / "figures")
    thumbnail = tmp_path / "thumbs" / "shown-figure.png"
    with Image.open(thumbnail) as image:
        assert image.size == (figures.THUMBNAIL_WIDTH, 320) and image.mode == "P"
    assert os.stat(thumbnail).st_mtime_ns >= os.stat(tmp_path / "figures" / "shown-figure.png").st_mtime_ns
    first = thumbnail.read_bytes()
    figures.show_figure(_draw(), "Shown figure", folder=tmp_path / "figures")
    assert thumbnail.read_bytes() == first  # the same bytes each time
    wide, _ = new_figure(width=6, height=2)  # 600 pixels on screen: scaled from those, not the 1800 exported
    figures.show_figure(wide, "wide", folder=tmp_path / "figures")
    with Image.open(tmp_path / "thumbs" / "wide.png") as image:
        assert image.size == (figures.THUMBNAIL_WIDTH, 160)
    monkeypatch.setenv(figures.FORMATS_VARIABLE, "svg")  # no PNG written: no thumbnail either
    figures.show_figure(_draw(), "vector only", folder=tmp_path / "figures")
    assert not (tmp_path / "thumbs" / "vector-only.png").exists()


class TestData:
    """The numbers behind each figure: a tidy CSV beside it, byte-identical, listed in the manifest."""

    def test_data_given_or_attached_is_written_beside_the_figure(self, tmp_path):
        import pandas as pd

        from analysis.plots.export import attach_data, figure_data

        table = pd.DataFrame({"actor_id": ["putin", "biden"], "share": [1 / 3, 0.25], "n": [3, 4]})
        fig = attach_data(_draw(), table)
        assert figure_data(fig) is not None
        save_figure(fig, "attached", folder=tmp_path)
        save_figure(_draw(), "given", folder=tmp_path, data=table.iloc[:1])
        assert (tmp_path / "attached.csv").read_text() == "actor_id,share,n\nputin,0.333333,3\nbiden,0.25,4\n"
        assert (tmp_path / "given.csv").read_text() == "actor_id,share,n\nputin,0.333333,3\n"
        assert read_manifest(tmp_path)["given"]["data"] == "given.csv"

    def test_csv_bytes_are_the_same_across_runs_and_dates_read_as_days(self):
        import numpy as np
        import pandas as pd

        from analysis.plots.export import data_bytes

        table = pd.DataFrame({"period": pd.to_datetime(["2022-02-07", "2022-02-14"]), "mean": [np.nan, 0.1 + 0.2]})
        assert data_bytes(table) == data_bytes(table.copy()) == b"period,mean\n2022-02-07,\n2022-02-14,0.3\n"

    def test_every_plot_function_attaches_its_data(self):
        from analysis.plots.export import figure_data
        from long_names import FIGURES

        for name, draws in FIGURES.items():
            for draw in draws:
                data = figure_data(draw())
                assert data is not None and not data.empty and data.index.equals(pd_range(len(data))), name


def pd_range(n):
    import pandas as pd

    return pd.RangeIndex(n)


class TestStyle:
    """use_style: the house style by default, named styles and .mplstyle files on top; the export honours it."""

    def teardown_method(self):
        from analysis.plots.export import use_style

        use_style("default")

    def test_default_is_the_house_style(self):
        import matplotlib

        from analysis.plots.export import STYLE, use_style

        use_style("paper")
        use_style()
        assert all(matplotlib.rcParams[key] == matplotlib.RcParams({key: value})[key] for key, value in STYLE.items())
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"]

    def test_named_style_changes_the_export_and_stays_byte_identical(self):
        import io

        from PIL import Image

        from analysis.plots.export import use_style

        default = figure_bytes(_draw(), "svg")
        use_style("paper")
        paper = figure_bytes(_draw(), "svg")
        assert paper != default and "DejaVu Serif" in paper.decode() and paper == figure_bytes(_draw(), "svg")
        assert Image.open(io.BytesIO(figure_bytes(_draw(), "png"))).size == (1800, 1200)  # 600 dpi in "paper"
        assert figure_bytes(_draw(), "pdf") == figure_bytes(_draw(), "pdf")

    def test_a_mplstyle_file_and_greyscale(self, tmp_path):
        import matplotlib

        from analysis.plots.colours import actor_colours, greyscale_active, outlet_colours
        from analysis.plots.export import use_style

        journal = tmp_path / "journal.mplstyle"
        journal.write_text("font.size: 7\naxes.titlesize: 8\n")
        use_style(str(journal))
        assert matplotlib.rcParams["font.size"] == 7 and not greyscale_active()
        use_style("greyscale")
        assert matplotlib.rcParams["font.size"] == 9  # the journal's settings do not linger
        assert greyscale_active()
        colours = [*outlet_colours(["a", "b"]).values(), *actor_colours({"x": "#ff0000"}).values()]
        assert all(c[1:3] == c[3:5] == c[5:7] for c in colours)  # greys

    def test_unknown_style_is_a_clear_error(self):
        import pytest

        from analysis.errors import InputError
        from analysis.plots.export import use_style

        with pytest.raises(InputError, match="style 'glossy': expected 'default', one of paper, greyscale"):
            use_style("glossy")
