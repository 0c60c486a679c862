#!/usr/bin/env python3
"""Derives the lattice knot tables of src/Twin.Core/Materials/materials.json (docs/model.md §2).

Run: python3 docs/derive-knots.py > src/Twin.Core/Materials/materials.json
Pure standard library so that it runs anywhere. Every knot records which source fixes it.
"""
import json, math

F = 96485.33212  # C/mol, CODATA 2018
# Pristine lattice, Jousseaume et al., Energy Environ. Sci. 2024, 17, 2753, Table 1.
MATERIALS = [
    ("NMC622", "LiNi0.6Mn0.2Co0.2O2", ["NCM622"], 2.8703, 14.2255, 1.9732, 96.93),
    ("NMC811", "LiNi0.8Mn0.1Co0.1O2", ["NCM811"], 2.8727, 14.2127, 1.9708, 97.28),
    ("LNO", "LiNiO2", ["LiNiO2"], 2.8747, 14.1775, 1.9719, 97.63),
]
# NCM811 collapse magnitudes: modelling assumptions (docs/model.md §2), not found in any paper the repository
# ships and not verified against a published one.
C_MAX_811, C_END_811, DV_811 = 14.467, 14.030, 0.051
# Knot precision = precision of the anchors: a to 0.0001 Å (Table 1); c to 0.001 Å (the collapse magnitudes
# above carry three decimals), except the Table 1 knot at c_Li = 1, kept to its 0.0001 Å.
A_DIGITS, C_DIGITS = 4, 3
A0_811, C0_811 = 2.8727, 14.2127
A_PLATEAU_811 = A0_811 * math.sqrt((1 - DV_811) * C0_811 / C_END_811)  # V = (sqrt3/2) a^2 c
REL_A_PLATEAU = A_PLATEAU_811 / A0_811 - 1
REL_C_MAX = C_MAX_811 / C0_811 - 1
REL_C_END = C_END_811 / C0_811 - 1
C_PLATEAU, C_STEEPEST, C_IL_MAX, C_END = 0.32, 0.62, 0.40, 0.20
TAU = (C_STEEPEST - C_PLATEAU) / 2  # slope shape u^2 exp(-u/tau) peaks at u = 2 tau


def shape_a(c):
    """Fraction of the total a contraction still to come: 0 at c_Li = 1, 1 on the plateau."""
    def g(x):
        u = x - C_PLATEAU
        if u <= 0:
            return 0.0
        v = u / TAU
        return TAU ** 3 * (2 - math.exp(-v) * (v * v + 2 * v + 2))
    return 1 - g(c) / g(1.0)


def rel_c(c):
    if c >= C_IL_MAX:
        return REL_C_MAX * (1 - ((c - C_IL_MAX) / (1 - C_IL_MAX)) ** 1.5)
    return REL_C_MAX - (REL_C_MAX - REL_C_END) * ((C_IL_MAX - c) / (C_IL_MAX - C_END)) ** 2


GRID = [0.20, 0.25, 0.30, 0.32, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.62, 0.65,
        0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 1.00]


def src_a(c):
    if c == 1.0:
        return "T1"
    if c <= C_PLATEAU:
        return "PLATEAU"
    return "SHAPE_A"


def src_c(c):
    if c == 1.0:
        return "T1"
    if c == C_IL_MAX:
        return "CMAX"
    if c == C_END:
        return "CEND"
    return "SHAPE_C"


out = {
    "sources": {
        "T1": "Jousseaume et al., Energy Environ. Sci. 2024, 17, 2753, Table 1 (pristine, Rietveld).",
        "M": "Molar mass from the formula with IUPAC 2021 standard atomic weights.",
        "PLATEAU": "d_TM plateau from c_Li = 0.32 down (Jousseaume 2024, sec. 3.4, Fig. 5B). Level = pristine a x "
                   f"{1 + REL_A_PLATEAU:.4f}: modelling assumption, from an assumed NCM811 unit-cell volume change of "
                   "-5.1 % at c = 14.030 Å (V = (sqrt3/2) a^2 c), a number not found in any shipped paper (Liu, Roters "
                   "& Raabe quote 7.8 % dilatation for NMC811: the collapse may be too small). Rounded to 0.0001 Å "
                   "(Table 1's precision).",
        "SHAPE_A": "Reduced shape, docs/model.md eq. (L1): da/dc_Li proportional to u^2 exp(-u/0.15), u = c_Li - 0.32, "
                   "which puts the largest |d(d_TM)/dc_Li| at c_Li = 0.62 (Jousseaume 2024, sec. 3.4, Fig. S13B) and "
                   "joins Table 1 at c_Li = 1 to the plateau. Rounded to 0.0001 Å (Table 1's precision).",
        "CMAX": "Maximum of d_IL = c/3 at c_Li = 0.40 (Jousseaume 2024, sec. 3.4, Fig. 5B). Magnitude 14.467 Å for "
                "NCM811: modelling assumption, not found in any shipped paper; other materials scaled by their "
                "Table 1 c (same relative change).",
        "CEND": "c = 14.030 Å for NCM811 at c_Li = 0.20: modelling assumption (value and placement), not found in any "
                "shipped paper; other materials scaled by their Table 1 c.",
        "SHAPE_C": "Reduced shape, docs/model.md eq. (L2): rise as 1 - ((c_Li-0.4)/0.6)^1.5 from Table 1 to the "
                   "maximum at 0.40, quadratic collapse to the 0.20 knot. Rounded to 0.001 Å (the precision of the "
                   "assumed magnitudes it joins).",
    },
    "materials": [],
}
for name, formula, aliases, a0, c0, dtmo, m in MATERIALS:
    knots = []
    for c in GRID:
        knots.append({
            "c_li": c,
            "a_A": a0 if c == 1.0 else round(a0 * (1 + REL_A_PLATEAU * shape_a(c)), A_DIGITS),
            "c_A": c0 if c == 1.0 else round(c0 * (1 + rel_c(c)), C_DIGITS),
            "a_source": src_a(c),
            "c_source": src_c(c),
        })
    out["materials"].append({
        "name": name, "formula": formula, "aliases": aliases,
        "a_A": a0, "c_A": c0, "d_tmo_A": dtmo, "lattice_source": "T1",
        "molar_mass_g_per_mol": m, "molar_mass_source": "M",
        "knots": knots,
    })
print(json.dumps(out, indent=2, ensure_ascii=False))
