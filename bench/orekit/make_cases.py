#!/usr/bin/env python3
"""Write tests/data/orekit-sp/cases.json: the reference cases, initial states made once
from osculating Keplerian elements (GCRF, mu = EGM96 GM, mean anomaly) with Orekit's
KeplerianOrbit.  Both the elements and the resulting Cartesian state are written; the
propagation (propagate.py) uses only the Cartesian numbers.

    bench/orekit/.venv/bin/python bench/orekit/make_cases.py tests/data/orekit-sp/cases.json
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

EPOCH = "2026-05-20T12:00:00.000"
RE = 6378.137  # WGS84 equatorial radius, km (altitudes below are over it)

DRAG = {"cd": 2.2, "area_m2": 1.0, "mass_kg": 100.0}
SRP = {"cr": 1.3, "area_m2": 1.0, "mass_kg": 100.0}


def force(deg, third, drag=None, srp=None):
    return {"gravity_degree": deg, "gravity_order": deg, "third_body": third, "drag": drag, "srp": srp}


RP_GTO, RA_GTO = RE + 300.0, RE + 35786.0

CASES = [
    ("leo-gravity-only", "~500 km circular, i = 97.4 deg (sun-synchronous-like), EGM96 20x20 only",
     dict(a_km=RE + 500.0, e=0.0, i_deg=97.4, raan_deg=45.0, argp_deg=0.0, m_deg=0.0),
     force(20, False)),
    ("leo-full", "~550 km, e = 0.001, i = 53 deg; 20x20 + Sun/Moon + drag + SRP",
     dict(a_km=RE + 550.0, e=0.001, i_deg=53.0, raan_deg=120.0, argp_deg=30.0, m_deg=10.0),
     force(20, True, DRAG, SRP)),
    ("meo-full", "GPS-like a = 26560 km, e = 0.01, i = 55 deg; 8x8 + Sun/Moon + SRP",
     dict(a_km=26560.0, e=0.01, i_deg=55.0, raan_deg=200.0, argp_deg=45.0, m_deg=90.0),
     force(8, True, None, SRP)),
    ("geo-full", "GEO a = 42164 km, e = 0.0002, i = 0.05 deg; 8x8 + Sun/Moon + SRP (cr 1.5, 10 m2, 1000 kg)",
     dict(a_km=42164.0, e=0.0002, i_deg=0.05, raan_deg=70.0, argp_deg=10.0, m_deg=250.0),
     force(8, True, None, {"cr": 1.5, "area_m2": 10.0, "mass_kg": 1000.0})),
    ("gto-full", "GTO perigee 300 km, apogee 35786 km (over 6378.137 km), i = 27 deg, starts at perigee; "
                 "8x8 + Sun/Moon + drag + SRP",
     dict(a_km=(RP_GTO + RA_GTO) / 2, e=(RA_GTO - RP_GTO) / (RA_GTO + RP_GTO), i_deg=27.0, raan_deg=300.0,
          argp_deg=178.0, m_deg=0.0),
     force(8, True, DRAG, SRP)),
]


def main() -> int:
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/orekit-sp/cases.json"
    common.init()
    epoch = common.parse_utc(EPOCH)
    cases = []
    for name, desc, kep, f in CASES:
        pos, vel = common.keplerian_to_cartesian(epoch, **kep)
        cases.append({
            "name": name,
            "description": desc,
            "epoch_utc": EPOCH,
            "keplerian_gcrf": {**kep, "anomaly": "mean", "mu_m3_s2": common.init().mu},
            "position_km": pos,
            "velocity_km_s": vel,
            "force": f,
            "duration_days": 7,
            "step_s": 600,
        })
    doc = {
        "comment": "Orekit reference cases for the APOSOS SP propagator; see README.md beside this file. "
                   "States are GCRF, km and km/s; epoch UTC. Made by bench/orekit/make_cases.py.",
        "cases": cases,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"wrote {out} ({len(cases)} cases)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
