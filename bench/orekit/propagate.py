#!/usr/bin/env python3
"""Reference ephemerides with Orekit's NumericalPropagator.

    bench/orekit/.venv/bin/python bench/orekit/propagate.py CASES.json OUTDIR [--oem] [--only NAME ...]

CASES.json is a list of cases (or {"cases": [...]}), each::

    {"name": "leo-full", "epoch_utc": "2026-05-20T12:00:00.000",
     "position_km": [x, y, z], "velocity_km_s": [vx, vy, vz],     # GCRF
     "force": {... spec, see common.py ...},
     "duration_days": 7, "step_s": 600}

Writes OUTDIR/<name>.json = {"name", "epoch_utc", "force", "orekit_version", "versions",
"settings", "states": [[t_s, x_km, y_km, z_km, vx_km_s, vy_km_s, vz_km_s], ...]} (GCRF,
full double precision), or with --oem OUTDIR/<name>.oem (CCSDS OEM 2.0 KVN, GCRF, UTC).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def load_cases(path: str) -> list:
    with open(path) as f:
        doc = json.load(f)
    return doc["cases"] if isinstance(doc, dict) else doc


def propagate_case(case: dict) -> tuple[list, float]:
    """Return (rows, wall seconds of the propagation)."""
    from jpype import JImplements, JOverride
    from org.orekit.propagation.sampling import OrekitFixedStepHandler

    epoch = common.parse_utc(case["epoch_utc"])
    prop = common.build_propagator(case["force"], epoch, case["position_km"], case["velocity_km_s"])
    rows: list = []

    @JImplements(OrekitFixedStepHandler)
    class Collect:
        # JPype proxies cannot fall back on Java default methods: implement them all
        @JOverride
        def init(self, s0, t, step):
            pass

        @JOverride
        def handleStep(self, state):
            rows.append(common.state_row(state, epoch))

        @JOverride
        def finish(self, final_state):
            pass

    step = float(case.get("step_s", 600.0))
    duration = float(case.get("duration_days", 7.0)) * 86400.0
    prop.setStepHandler(step, Collect())
    t0 = time.perf_counter()
    prop.propagate(epoch.shiftedBy(duration))
    wall = time.perf_counter() - t0
    # the fixed-step handler also reports the final state; keep only multiples of step
    rows = [r for r in rows if abs(r[0] / step - round(r[0] / step)) < 1e-9]
    return rows, wall


def settings_block() -> dict:
    return {
        "frame": "GCRF",
        "time_scale_of_epoch": "UTC",
        "mu_m3_s2": common.init().mu,
        "mu_source": "EGM96.gfc header earth_gravity_constant",
        "integrator": "DormandPrince853",
        "tolerances": f"NumericalPropagator.tolerances({common.POSITION_TOLERANCE_M} m, orbit, CARTESIAN)",
        "min_step_s": common.MIN_STEP_S,
        "max_step_s": common.MAX_STEP_S,
        "output": "OrekitFixedStepHandler (integrator dense output)",
    }


def write_oem(path: str, case: dict, rows: list) -> None:

    epoch = common.parse_utc(case["epoch_utc"])
    v = common.versions()
    with open(path, "w") as f:
        f.write("CCSDS_OEM_VERS = 2.0\n")
        f.write(f"COMMENT Orekit {v['orekit']} (orekit-jpype {v['orekit_jpype']}) NumericalPropagator, "
                f"force {json.dumps(case['force'], sort_keys=True)}\n")
        f.write(f"CREATION_DATE = {time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())}\n")
        f.write("ORIGINATOR = APOSOS bench/orekit\n\n")
        f.write("META_START\n")
        f.write(f"OBJECT_NAME = {case['name']}\nOBJECT_ID = {case['name']}\n")
        f.write("CENTER_NAME = EARTH\nREF_FRAME = GCRF\nTIME_SYSTEM = UTC\n")
        f.write(f"START_TIME = {common.format_utc(epoch.shiftedBy(rows[0][0]))}\n")
        f.write(f"STOP_TIME = {common.format_utc(epoch.shiftedBy(rows[-1][0]))}\n")
        f.write("META_STOP\n\n")
        for r in rows:
            f.write(common.format_utc(epoch.shiftedBy(r[0])) + " " + " ".join(repr(x) for x in r[1:]) + "\n")


def write_json(path: str, case: dict, rows: list) -> None:
    v = common.versions()
    head = {
        "name": case["name"],
        "epoch_utc": case["epoch_utc"],
        "position_km": case["position_km"],
        "velocity_km_s": case["velocity_km_s"],
        "force": case["force"],
        "orekit_version": v["orekit"],
        "versions": v,
        "settings": settings_block(),
    }
    text = json.dumps(head, indent=1)[:-2]  # drop closing "\n}"
    lines = ",\n".join("  [" + ", ".join(repr(float(x)) for x in r) + "]" for r in rows)
    with open(path, "w") as f:
        f.write(text + ',\n "states": [\n' + lines + "\n ]\n}\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases")
    ap.add_argument("outdir")
    ap.add_argument("--oem", action="store_true", help="write CCSDS OEM (KVN) instead of JSON")
    ap.add_argument("--only", nargs="*", help="case names to run (default: all)")
    args = ap.parse_args()

    c = common.init()
    print(f"JVM start {c.jvm_start_s:.2f} s, data load {c.data_load_s:.2f} s", file=sys.stderr)
    os.makedirs(args.outdir, exist_ok=True)
    for case in load_cases(args.cases):
        if args.only and case["name"] not in args.only:
            continue
        rows, wall = propagate_case(case)
        ext = "oem" if args.oem else "json"
        out = os.path.join(args.outdir, f"{case['name']}.{ext}")
        (write_oem if args.oem else write_json)(out, case, rows)
        print(f"{case['name']}: {len(rows)} states, {wall:.2f} s -> {out} ({os.path.getsize(out)} bytes)",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
