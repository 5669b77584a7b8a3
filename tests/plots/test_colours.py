"""One colour per outlet and per actor: distinct (CIEDE2000), stable, codebook colours respected."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.plots.colours import (MIN_DELTA, PALETTE, UNSET, actor_colours, delta_e, distinct_colours, hex_to_lab,
                                    min_delta_e, outlet_colours, to_grey)


class TestDeltaE:
    @pytest.mark.parametrize("lab1, lab2, expected", [  # Sharma, Wu & Dalal (2005), table 1
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, -1.3802, -84.2814), (50, 0, -82.7485), 1.0000),
        ((50, 2.5, 0), (73, 25, -18), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ])
    def test_reference_pairs(self, lab1, lab2, expected):
        assert float(delta_e(np.array(lab1), np.array(lab2))) == pytest.approx(expected, abs=1e-4)

    def test_white_and_black(self):
        assert hex_to_lab("#ffffff") == pytest.approx([100, 0, 0], abs=0.01)
        assert float(delta_e(hex_to_lab("#000000"), hex_to_lab("#ffffff"))) == pytest.approx(100, abs=0.01)


class TestPalette:
    def test_twenty_clearly_distinct_colours(self):
        assert len(PALETTE) >= 20 and len(set(PALETTE)) == len(PALETTE)
        assert min_delta_e(PALETTE[:20]) >= 16
        assert min_delta_e(PALETTE) >= 16

    def test_apart_from_the_neutral_greys(self):
        from analysis.plots.colours import NEUTRAL

        for grey in (NEUTRAL, UNSET):
            assert min(float(delta_e(hex_to_lab(c), hex_to_lab(grey))) for c in PALETTE) >= 16

    def test_readable_on_white(self):
        for colour in PALETTE:
            assert 38 <= hex_to_lab(colour)[0] <= 83, colour  # Tableau yellow is the lightest, L* 82

    def test_past_the_palette_colours_stay_distinct_and_reproducible(self):
        many = distinct_colours(60)
        assert many[:len(PALETTE)] == list(PALETTE)
        assert len(set(many)) == 60 and many == distinct_colours(60)
        assert min_delta_e(many[:40]) >= 10


class TestOutletColours:
    def test_sorted_assignment_is_stable_across_figures(self):
        corpus = ["RT", "BBC", "ABC News", "CNN", "BBC"]
        colours = outlet_colours(corpus)
        assert list(colours) == ["ABC News", "BBC", "CNN", "RT"]
        assert colours == outlet_colours(reversed(corpus))  # order and repeats do not matter
        assert list(colours.values()) == list(PALETTE[:4])

    def test_twenty_outlets_never_share_a_colour(self):
        colours = outlet_colours([f"Outlet {i:02d}" for i in range(20)])
        assert len(set(colours.values())) == 20 and min_delta_e(colours.values()) >= 16

    def test_missing_outlets_are_left_out(self):
        assert list(outlet_colours(["BBC", None, float("nan")])) == ["BBC"]


class TestActorColours:
    def test_codebook_colours_are_kept_and_the_rest_kept_apart(self):
        book = {"putin": "#8c2d04", "finland": UNSET, "mariupol": None, "biden": "#4e79a7", "eu": ""}
        colours = actor_colours(book)
        assert list(colours) == list(book)
        assert colours["putin"] == "#8c2d04" and colours["biden"] == "#4e79a7"
        assigned = [colours[a] for a in ("finland", "mariupol", "eu")]
        assert len(set(assigned)) == 3 and UNSET not in assigned  # Finland is not Mariupol
        for colour in assigned:
            assert min(float(delta_e(hex_to_lab(colour), hex_to_lab(c))) for c in ("#8c2d04", "#4e79a7")) >= MIN_DELTA

    def test_forty_actors_without_colours(self):
        colours = actor_colours({f"actor{i}": UNSET for i in range(40)})
        assert len(set(colours.values())) == 40 and min_delta_e(colours.values()) >= 10

    def test_stable_by_codebook_order(self, seed_codebook):
        first = actor_colours(seed_codebook.colours())
        assert first == actor_colours(seed_codebook.colours())
        assert first == seed_codebook.colours()  # every seed actor names its colour


def test_grey_of_equal_lightness():
    assert to_grey("#ffffff") == "#ffffff" and to_grey("#000000") == "#000000"
    grey = to_grey("#e15759")
    assert grey[1:3] == grey[3:5] == grey[5:7]
    assert hex_to_lab(grey)[0] == pytest.approx(hex_to_lab("#e15759")[0], abs=0.5)
