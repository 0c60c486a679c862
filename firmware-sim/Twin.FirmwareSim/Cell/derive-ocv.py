#!/usr/bin/env python3
"""Regenerates ocv-tables.json: knot tables of the electrode open-circuit potentials of the LG M50 cell.

Source: C.-H. Chen, F. Brosa Planella, K. O'Regan, D. Gastol, W. D. Widanage, E. Kendrick,
"Development of Experimental Techniques for Parameterization of Multi-scale Lithium-ion Battery
Models", J. Electrochem. Soc. 167 (2020) 080534, doi:10.1149/1945-7111/ab9050.
The paper fits the half-cell GITT pseudo-OCP of each electrode with the closed-form functions
evaluated below (NMC811 positive electrode, graphite-SiOx negative electrode) and tabulates the
electrode design data (maximum concentrations, thicknesses, active volume fractions, electrode
dimensions) and the electrode stoichiometries at 0 % and 100 % cell SOC that are copied into the
JSON verbatim.

Usage: python3 derive-ocv.py > ocv-tables.json     (python3 standard library only)
"""
import json
import math
import re

CITATION = ("C.-H. Chen, F. Brosa Planella, K. O'Regan, D. Gastol, W. D. Widanage, E. Kendrick, "
            "Development of Experimental Techniques for Parameterization of Multi-scale Lithium-ion "
            "Battery Models, J. Electrochem. Soc. 167 (2020) 080534, doi:10.1149/1945-7111/ab9050")


def u_positive(y):
    """NMC811 OCP vs Li/Li+, V, at lithium stoichiometry y (Chen et al. 2020, positive-electrode OCP fit)."""
    return (-0.8090 * y + 4.4875
            - 0.0428 * math.tanh(18.5138 * (y - 0.5542))
            - 17.7326 * math.tanh(15.7890 * (y - 0.3117))
            + 17.5842 * math.tanh(15.9308 * (y - 0.3120)))


def u_negative(x):
    """Graphite-SiOx OCP vs Li/Li+, V, at lithium stoichiometry x (Chen et al. 2020, negative-electrode OCP fit)."""
    return (1.9793 * math.exp(-39.3631 * x) + 0.2482
            - 0.0909 * math.tanh(29.8538 * (x - 0.1234))
            - 0.04478 * math.tanh(14.9159 * (x - 0.2769))
            - 0.0205 * math.tanh(30.4444 * (x - 0.6103)))


def grid(segments):
    """Knots from (start, stop, step) segments, joined without duplicates, rounded to 1e-6."""
    knots = []
    for start, stop, step in segments:
        n = round((stop - start) / step)
        for i in range(n + 1):
            v = round(start + i * step, 6)
            if not knots or v > knots[-1]:
                knots.append(v)
    return knots


def table(knots, f):
    return {"stoichiometry": knots, "potential_V": [round(f(s), 6) for s in knots]}


def main():
    # Positive: 0.20 ... 1.00 every 0.0025. Chen's 4.2 V / 2.5 V window is y = 0.2661 ... 0.9084;
    # knots outside it are the published fit extended, not measurements.
    positive_knots = grid([(0.20, 1.00, 0.0025)])
    # Negative: finer below x = 0.1 where the exponential term is steep.
    negative_knots = grid([(0.0, 0.1, 0.001), (0.1, 1.0, 0.0025)])
    doc = {
        "description": "Electrode open-circuit potentials vs Li/Li+ of the LG M50 21700 cell (NMC811 positive, "
                       "graphite-SiOx negative) as knot tables for monotone PCHIP interpolation, plus the "
                       "electrode design data of the same parameterisation.",
        "source": CITATION,
        "generator": "firmware-sim/Twin.FirmwareSim/Cell/derive-ocv.py (sampled from the published fits; "
                     "potentials rounded to 1 uV)",
        "electrode_height_m": 0.065,
        "electrode_width_m": 1.58,
        "positive": {
            "material": "NMC811 (LiNi0.8Mn0.1Co0.1O2), LG M50 positive electrode",
            "fit": "U_p(y) = -0.8090 y + 4.4875 - 0.0428 tanh(18.5138 (y - 0.5542)) "
                   "- 17.7326 tanh(15.7890 (y - 0.3117)) + 17.5842 tanh(15.9308 (y - 0.3120))",
            "max_concentration_mol_m3": 63104.0,
            "thickness_m": 75.6e-6,
            "active_volume_fraction": 0.665,
            "stoichiometry_at_0pct_soc": 0.9084,
            "stoichiometry_at_100pct_soc": 0.2661,
            **table(positive_knots, u_positive),
        },
        "negative": {
            "material": "graphite-SiOx, LG M50 negative electrode",
            "fit": "U_n(x) = 1.9793 exp(-39.3631 x) + 0.2482 - 0.0909 tanh(29.8538 (x - 0.1234)) "
                   "- 0.04478 tanh(14.9159 (x - 0.2769)) - 0.0205 tanh(30.4444 (x - 0.6103))",
            "max_concentration_mol_m3": 33133.0,
            "thickness_m": 85.2e-6,
            "active_volume_fraction": 0.75,
            "stoichiometry_at_0pct_soc": 0.0279,
            "stoichiometry_at_100pct_soc": 0.9014,
            **table(negative_knots, u_negative),
        },
    }
    text = json.dumps(doc, indent=1)
    # Keep each knot array on one line.
    text = re.sub(r"\[\s+([^\[\]{}\"]*?)\s+\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    print(text)


if __name__ == "__main__":
    main()
