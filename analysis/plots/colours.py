"""One colour assignment for outlets and one for actors, shared by every figure of a run.

A reader compares figures side by side, so an outlet or an actor keeps its colour in
every chart, in every notebook and in every run on the same corpus and codebook:

* **outlets** (:func:`outlet_colours`) take the colours of :data:`PALETTE` in the sorted
  order of *all* the corpus's outlets (pass ``articles["outlet"]``, not the outlets one
  figure happens to show), so "BBC" is the same colour in the articles-per-week chart,
  the term trends and the tone comparison;
* **actors** (:func:`actor_colours`) keep the colour their codebook gives them; actors
  without one (the codebook's default ``#777777``, :data:`UNSET`) get, in codebook order,
  the first palette colours that are clearly distinct from every colour already in use.

:data:`PALETTE` holds 24 qualitative colours: Tableau 10 without its grey (the suite's
former outlet colours, kept first; grey stays for what is no outlet or actor) extended
greedily with the candidate colour farthest from those already chosen and from the
suite's greys, among colours of medium lightness (CIELAB L* 38 to 80, readable on white
and behind black text) and moderate chroma (25 to 62, no neon). Any two of them differ by
at least 16 in CIEDE2000 ΔE (Sharma, Wu & Dalal 2005; 2.3 is a just-noticeable
difference), and each from the suite's greys by more than 16, which
``tests/plots/test_colours.py`` checks. Past 24, further colours come
from the same greedy rule over a fixed grid (:func:`distinct_colours`), so any number of
outlets or actors still gets distinct, reproducible colours, ever closer together.

Greyscale: when the active style's colour cycle has no hue (``use_style("greyscale")``
or any such ``.mplstyle``), :func:`ink` maps every colour to the grey of the same CIELAB
lightness; colour then no longer separates many categories, and labels carry identity.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Iterable, Mapping

import numpy as np

#: The qualitative palette (see the module notes for how it was chosen and what it guarantees).
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#555f00", "#afb4ff", "#006e5a", "#aa1964", "#2db9ff", "#a08200", "#a0370f",
    "#ffa0ff", "#00e1a5", "#b9cd9b", "#825500", "#695078", "#008c9b", "#9678e1", "#ebb99b",
)
#: The codebook's colour for an actor that names none: read as "no colour given".
UNSET = "#777777"
#: Grey for what is no outlet or actor of the assignment ("[unnamed]" speakers, reference lines).
NEUTRAL = "#999999"
#: Smallest CIEDE2000 difference between a newly assigned colour and the colours already in use,
#: where the palette allows it (palette neighbours differ by 16 or more).
MIN_DELTA = 12.0


def outlet_colours(outlets: Iterable[str]) -> dict[str, str]:
    """Outlet → colour, assigned in sorted order of the distinct outlet names given.

    Pass every outlet of the corpus (``articles["outlet"]``), once per run: a figure that
    shows a subset then keeps the colours of the whole. Missing outlets (NaN) are left out.
    """
    names = sorted({str(o) for o in outlets if o is not None and o == o})
    return dict(zip(names, (ink(c) for c in distinct_colours(len(names)))))


def actor_colours(codebook_colours: Mapping[str, str | None], *, unset: str = UNSET) -> dict[str, str]:
    """Actor → colour: the codebook's colour where it gives one, distinct palette colours for the rest.

    ``codebook_colours``: actor id → colour in codebook order (``codebook.colours()``);
    ``None``, ``""`` or ``unset`` mean no colour given. Actors without a colour get, in
    that order, palette colours at least :data:`MIN_DELTA` (CIEDE2000) from every colour
    in use, so they stay apart from each other and from the codebook's own colours.
    """
    given = {a: c.lower() for a, c in codebook_colours.items() if c and c.lower() != unset.lower()}
    missing = [a for a in codebook_colours if a not in given]
    extra = distinct_colours(len(missing), avoid=tuple(given.values()))
    chosen = {**given, **dict(zip(missing, extra))}
    return {a: ink(chosen[a]) for a in codebook_colours}


def distinct_colours(n: int, *, avoid: tuple[str, ...] = ()) -> list[str]:
    """``n`` colours: palette colours in order, skipping those closer than :data:`MIN_DELTA` to ``avoid``
    or to one already taken; then the grid colour farthest from all in use, one at a time."""
    if n <= 0:
        return []
    taken = [hex_to_lab(c) for c in avoid]
    out: list[str] = []
    for colour in PALETTE:
        if len(out) == n:
            return out
        lab = hex_to_lab(colour)
        if not taken or min(delta_e(lab, t) for t in taken) >= MIN_DELTA:
            out.append(colour)
            taken.append(lab)
    grid, grid_lab = _grid()
    used = np.array(taken) if taken else np.empty((0, 3))
    nearest = (np.min(delta_e(grid_lab[:, None, :], used[None, :, :]), axis=1) if len(used)
               else np.full(len(grid), np.inf))
    while len(out) < n:
        i = int(np.argmax(nearest))
        out.append(grid[i])
        nearest = np.minimum(nearest, delta_e(grid_lab, grid_lab[i][None, :]))
    return out


@lru_cache(maxsize=1)
def _grid() -> tuple[list[str], np.ndarray]:
    """The candidate colours past the palette: an sRGB grid (step 15) cut to the palette's lightness and chroma."""
    steps = range(0, 256, 15)
    rgb = np.array(list(itertools.product(steps, steps, steps)), dtype=float) / 255
    lab = srgb_to_lab(rgb)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    keep = (lab[:, 0] >= 38) & (lab[:, 0] <= 80) & (chroma >= 25) & (chroma <= 62)
    names = ["#%02x%02x%02x" % tuple(int(round(v * 255)) for v in row) for row in rgb[keep]]
    return names, lab[keep]


# --- greyscale ---------------------------------------------------------------------------------------


def greyscale_active() -> bool:
    """True when the active matplotlib colour cycle has no hue (a greyscale style)."""
    import matplotlib

    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key().get("color", [])
    labs = [hex_to_lab(_hex(c)) for c in cycle]
    return bool(labs) and all(np.hypot(lab[1], lab[2]) < 4 for lab in labs)


def ink(colour: str) -> str:
    """``colour`` as drawn in the active style: itself, or its grey of equal lightness in greyscale."""
    return to_grey(colour) if greyscale_active() else colour


def to_grey(colour: str) -> str:
    """The sRGB grey with the CIELAB lightness of ``colour``."""
    lightness = hex_to_lab(_hex(colour))[0]
    y = ((lightness + 16) / 116) ** 3 if lightness > 8 else lightness / 903.3
    value = 12.92 * y if y <= 0.0031308 else 1.055 * y ** (1 / 2.4) - 0.055
    level = int(round(min(max(value, 0.0), 1.0) * 255))
    return "#%02x%02x%02x" % (level, level, level)


def sequential_cmap() -> str:
    """The colour map of heat maps of counts and shares: blues, or greys in a greyscale style."""
    return "Greys" if greyscale_active() else "Blues"


def diverging_cmap() -> str:
    """The colour map of heat maps centred at 0 (tone): red to blue, or dark to light grey in greyscale."""
    return "gray" if greyscale_active() else "RdBu"


def text_colour_on(rgba: Iterable[float]) -> str:
    """Black-ish or white text, whichever reads on a cell of colour ``rgba`` (by its lightness)."""
    r, g, b = list(rgba)[:3]
    return "white" if srgb_to_lab(np.array([r, g, b]))[0] < 55 else "#222222"


# --- colour difference -------------------------------------------------------------------------------


def _hex(colour: str) -> str:
    from matplotlib.colors import to_hex

    return to_hex(colour)


def hex_to_lab(colour: str) -> np.ndarray:
    """CIELAB (D65) of a ``#rrggbb`` colour."""
    text = colour.lstrip("#")
    return srgb_to_lab(np.array([int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)]))


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65 white) of sRGB values in [0, 1] (last axis: r, g, b)."""
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    matrix = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                       [0.0193339, 0.1191920, 0.9503041]])
    xyz = linear @ matrix.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005) of CIELAB arrays (broadcast on the last axis)."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    both = c1p * c2p != 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh)) * both
    d_hue = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(np.abs(h1p - h2p) > 180, np.where(h_sum < 360, h_sum + 360, h_sum - 360), h_sum) / 2
    h_mean = np.where(both, h_mean, h_sum)
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    rotation = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25.0 ** 7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * rotation)) * r_c
    dl, dc, dhh = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_hue / s_h
    return np.sqrt(dl ** 2 + dc ** 2 + dhh ** 2 + r_t * dc * dhh)


def min_delta_e(colours: Iterable[str]) -> float:
    """The smallest CIEDE2000 difference between two of ``colours`` (``inf`` for fewer than two)."""
    labs = np.array([hex_to_lab(_hex(c)) for c in colours])
    if len(labs) < 2:
        return float("inf")
    d = delta_e(labs[:, None, :], labs[None, :, :])
    np.fill_diagonal(d, np.inf)
    return float(d.min())
