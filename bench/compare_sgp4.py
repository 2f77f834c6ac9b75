"""Times python-sgp4 and astroz SatrecArray on a TLE file and prints the ratios to aposos.

Called by bench/compare-sgp4 with: CATALOG MINUTES STEP APOSOS_JSON APOSOS_SCALAR_JSON.
Each library propagates every object over 0..MINUTES (step STEP) from the newest
epoch of the catalog, like `aposos bench sgp4`; the best of three runs counts.
"""
import json
import os
import platform
import sys
import time

import numpy as np


def load_lines(path):
    lines = [l.rstrip("\n") for l in open(path, encoding="ascii")]
    pairs = []
    for i, l in enumerate(lines):
        if l.startswith("1 ") and i + 1 < len(lines) and lines[i + 1].startswith("2 "):
            pairs.append((l, lines[i + 1]))
    return pairs


def run(module, pairs, minutes, step):
    api = __import__(module + ".api", fromlist=["Satrec", "SatrecArray"])
    sats = [api.Satrec.twoline2rv(a, b) for a, b in pairs]
    arr = api.SatrecArray(sats)
    jd0 = max(s.jdsatepoch + s.jdsatepochF for s in sats)
    offsets = np.arange(0.0, minutes + 1e-9, step) / 1440.0
    jd = np.full(len(offsets), np.floor(jd0))
    fr = (jd0 - np.floor(jd0)) + offsets
    best = None
    for _ in range(3):
        t = time.perf_counter()
        e, r, v = arr.sgp4(jd, fr)
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    props = len(sats) * len(offsets)
    errors = int(np.count_nonzero(np.any(e != 0, axis=1)))
    return {"objects": len(sats), "propagations": props, "seconds": best, "props_per_s": props / best, "errors": errors}


def main():
    catalog, minutes, step = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    aposos = json.loads(sys.argv[4])
    scalar = json.loads(sys.argv[5])
    pairs = load_lines(catalog)
    results = {"aposos": aposos, "aposos --scalar": scalar}
    for module in ("sgp4", "astroz"):
        results[module] = run(module, pairs, minutes, step)
    import sgp4, astroz  # noqa: E401
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"python-sgp4 {sgp4.__version__}, astroz {getattr(astroz, '__version__', '?')}")
    print(f"catalog: {catalog}, {len(pairs)} objects, {minutes:g} min at {step:g} min")
    print(f"{'library':<18}{'propagations':>14}{'seconds':>10}{'M props/s':>11}{'errors':>8}{'aposos is':>12}")
    for name, r in results.items():
        ratio = aposos["props_per_s"] / r["props_per_s"]
        print(f"{name:<18}{r['propagations']:>14}{r['seconds']:>10.3f}{r['props_per_s'] / 1e6:>11.2f}{r['errors']:>8}{ratio:>11.2f}x")


if __name__ == "__main__":
    main()
