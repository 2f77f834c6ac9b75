#!/usr/bin/env python3
"""Plausibility checks of the reference force models (numbers for the notes).

    bench/orekit/.venv/bin/python bench/orekit/sanity.py tests/data/orekit-sp/cases.json [--json OUT]

Prints position differences (total and radial / along-track / cross-track, metres) between
model variants of the same initial state:
  * leo-gravity-only: 20x20 minus two-body (J2 and the rest); 20x20 minus 8x8
  * leo-full: full minus (no drag), full minus (no Sun/Moon), full minus (no SRP)
  * every case: the reference settings minus tolerance 1e-7 m, 1e-9 m and max step 60 s
    (numerical convergence of the reference itself)
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import propagate  # noqa: E402


def ric(ref, other):
    """Difference other - ref at matching rows -> (t, |dr|, dR, dI, dC) in metres."""
    out = []
    for a, b in zip(ref, other):
        assert a[0] == b[0]
        r = a[1:4]
        v = a[4:7]
        d = [(b[k] - a[k]) * 1e3 for k in range(1, 4)]
        rn = math.sqrt(sum(x * x for x in r))
        u_r = [x / rn for x in r]
        h = [r[1] * v[2] - r[2] * v[1], r[2] * v[0] - r[0] * v[2], r[0] * v[1] - r[1] * v[0]]
        hn = math.sqrt(sum(x * x for x in h))
        u_c = [x / hn for x in h]
        u_i = [u_c[1] * u_r[2] - u_c[2] * u_r[1], u_c[2] * u_r[0] - u_c[0] * u_r[2],
               u_c[0] * u_r[1] - u_c[1] * u_r[0]]
        dot = lambda p, q: sum(x * y for x, y in zip(p, q))  # noqa: E731
        out.append((a[0], math.sqrt(dot(d, d)), dot(d, u_r), dot(d, u_i), dot(d, u_c)))
    return out


def at(diffs, t):
    return next(x for x in diffs if abs(x[0] - t) < 1e-6)


def maxabs(diffs, t_end):
    return max(x[1] for x in diffs if x[0] <= t_end + 1e-6)


def run(case, spec=None, tol=None, max_step=None):
    c = copy.deepcopy(case)
    if spec is not None:
        c["force"] = spec
    old = common.POSITION_TOLERANCE_M, common.MAX_STEP_S
    if tol is not None:
        common.POSITION_TOLERANCE_M = tol
    if max_step is not None:
        common.MAX_STEP_S = max_step
    try:
        rows, _ = propagate.propagate_case(c)
    finally:
        common.POSITION_TOLERANCE_M, common.MAX_STEP_S = old
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--json", help="also write the numbers here")
    ap.add_argument("--skip-tolerance", action="store_true")
    args = ap.parse_args()
    common.init()
    cases = {c["name"]: c for c in propagate.load_cases(args.cases)}
    report = {}

    def show(label, diffs, times):
        entry = {}
        for name, t in times:
            d = at(diffs, t)
            entry[name] = {"total_m": d[1], "radial_m": d[2], "along_m": d[3], "cross_m": d[4],
                           "max_total_so_far_m": maxabs(diffs, t)}
            print(f"{label:42s} {name:>8s}: |dr| {d[1]:12.3f} m  (R {d[2]:11.3f}  I {d[3]:12.3f}  "
                  f"C {d[4]:10.3f})  max so far {entry[name]['max_total_so_far_m']:12.3f} m")
        report[label] = entry

    leo = cases["leo-gravity-only"]
    ref = run(leo)
    a = 6878.137e3
    period = 2 * math.pi * math.sqrt(a ** 3 / common.init().mu)
    two_body_spec = {**leo["force"], "gravity_degree": 0, "gravity_order": 0}
    one_orbit = {**leo, "step_s": period, "duration_days": 1.5 * period / 86400.0}
    show(f"leo-gravity-only: 20x20 - 2body (T={period:.1f}s)", ric(run(one_orbit, two_body_spec), run(one_orbit)),
         [("1orbit", period)])
    show("leo-gravity-only: 20x20 - 2body", ric(run(leo, two_body_spec), ref), [("1d", 86400.0), ("7d", 604800.0)])
    g8 = run(leo, {**leo["force"], "gravity_degree": 8, "gravity_order": 8})
    show("leo-gravity-only: 20x20 - 8x8", ric(g8, ref), [("1d", 86400.0), ("7d", 604800.0)])

    full_case = cases["leo-full"]
    full = run(full_case)
    f = full_case["force"]
    g8f = run(full_case, {**f, "gravity_degree": 8, "gravity_order": 8})
    show("leo-full: 20x20 - 8x8", ric(g8f, full), [("1d", 86400.0), ("7d", 604800.0)])
    for label, variant in [("drag", {**f, "drag": None}), ("third-body", {**f, "third_body": False}),
                           ("srp", {**f, "srp": None})]:
        show(f"leo-full: full - no {label}", ric(run(full_case, variant), full),
             [("1d", 86400.0), ("7d", 604800.0)])

    if not args.skip_tolerance:
        # numerical convergence of the reference itself: other tolerances / max step
        for name, case in cases.items():
            ref_rows = run(case)
            for label, kw in [(f"tol {common.POSITION_TOLERANCE_M:g} - 1e-7 m", {"tol": 1e-7}),
                              (f"tol {common.POSITION_TOLERANCE_M:g} - 1e-9 m", {"tol": 1e-9}),
                              ("max step 300 s - 60 s", {"max_step": 60.0})]:
                show(f"{name}: {label}", ric(run(case, **kw), ref_rows), [("1d", 86400.0), ("7d", 604800.0)])

    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
