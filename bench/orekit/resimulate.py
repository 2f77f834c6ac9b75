#!/usr/bin/env python3
"""Replace the RA/Dec of an APOSOS observation file by values computed from an Orekit
numerical-propagator truth (same stations, times and sigmas), plus Gaussian noise.

    bench/orekit/.venv/bin/python bench/orekit/resimulate.py OBS.json --norad N \\
        --state TRUTH.json [--force SPEC.json] [--noise-arcsec 2] [--seed 1] \\
        --output OBS_SP.json [--truth-out TRUTH_AT_FIRST_OBS.json]

TRUTH.json: {"epoch_utc", "position_km", "velocity_km_s"} (GCRF), or --tle FILE to start
the truth from the object's element set (SGP4 state at the first measurement). The RA/Dec
is Orekit's AngularRaDec in GCRF (light time, no aberration) from the site's geodetic
position; noise is added on the sky (RA*cos(Dec) and Dec). Observations of other objects are
dropped. With perfect models an od.py fit of the output gives RMS ~ the noise: a check of
od.py, and the same geometry for comparing aposos's SP fit with Orekit's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import od  # noqa: E402

ARCSEC = math.pi / (180.0 * 3600.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("obs")
    ap.add_argument("--norad", type=int, required=True)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--state")
    src.add_argument("--tle")
    ap.add_argument("--force", help="force spec JSON (default: od.py's default)")
    ap.add_argument("--noise-arcsec", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sites", default=os.path.join(od.REPO, "data", "sites.toml"))
    ap.add_argument("--output", required=True)
    ap.add_argument("--truth-out", help="write the truth state at the first measurement here")
    args = ap.parse_args()

    c = common.init()
    from jpype import JArray
    from org.orekit.bodies import GeodeticPoint
    from org.orekit.estimation.measurements import AngularRaDec, GroundStation, ObservableSatellite
    from org.orekit.frames import TopocentricFrame
    from org.orekit.propagation import SpacecraftState
    from org.orekit.propagation.analytical.tle import TLE, TLEPropagator

    obs = sorted((o for o in json.load(open(args.obs)) if o.get("norad") == args.norad and "ra_deg" in o),
                 key=lambda o: o["time_utc"])
    if not obs:
        raise SystemExit(f"no RA/Dec of {args.norad} in {args.obs}")
    spec = od.DEFAULT_FORCE
    if args.force:
        spec = json.load(open(args.force))
        spec = spec.get("force", spec)
    first = common.parse_utc(obs[0]["time_utc"])
    if args.state:
        st = json.load(open(args.state))
        epoch, pos, vel = common.parse_utc(st["epoch_utc"]), st["position_km"], st["velocity_km_s"]
    else:
        l1, l2 = od.tle_for(args.tle, args.norad)
        pv = TLEPropagator.selectExtrapolator(TLE(l1, l2)).propagate(first).getPVCoordinates(c.gcrf)
        epoch = first
        pos = [pv.getPosition().getX() / 1e3, pv.getPosition().getY() / 1e3, pv.getPosition().getZ() / 1e3]
        vel = [pv.getVelocity().getX() / 1e3, pv.getVelocity().getY() / 1e3, pv.getVelocity().getZ() / 1e3]
    prop = common.build_propagator(spec, epoch, pos, vel)
    if args.truth_out:
        s0 = prop.propagate(first)
        row = common.state_row(s0, first)
        with open(args.truth_out, "w") as f:
            json.dump({"epoch_utc": obs[0]["time_utc"].rstrip("Z"), "position_km": row[1:4],
                       "velocity_km_s": row[4:7], "force": spec,
                       "comment": "Orekit SP truth used by resimulate.py"}, f, indent=1)

    sites = od.load_sites(args.sites)
    stations = {}
    rng = random.Random(args.seed)
    sat = ObservableSatellite(0)
    out = []
    for o in obs:
        sid = o["station"]
        if sid not in stations:
            s = sites[sid]
            gp = GeodeticPoint(math.radians(s["lat_deg"]), math.radians(s["lon_deg"]), float(s["height_m"]))
            gs = GroundStation(TopocentricFrame(c.earth, gp, sid))
            for drv in [gs.getClockOffsetDriver(), gs.getEastOffsetDriver(), gs.getNorthOffsetDriver(),
                        gs.getZenithOffsetDriver(), gs.getPrimeMeridianOffsetDriver(),
                        gs.getPrimeMeridianDriftDriver(), gs.getPolarOffsetXDriver(), gs.getPolarDriftXDriver(),
                        gs.getPolarOffsetYDriver(), gs.getPolarDriftYDriver(), gs.getClockDriftDriver(),
                        gs.getClockAccelerationDriver()]:
                drv.setReferenceDate(first)
            stations[sid] = gs
        d = common.parse_utc(o["time_utc"])
        m = AngularRaDec(stations[sid], c.gcrf, d, [0.0, 0.0], [ARCSEC, ARCSEC], [1.0, 1.0], sat)
        e = m.estimateWithoutDerivatives(JArray(SpacecraftState)([prop.propagate(d)]))
        ra, dec = list(e.getEstimatedValue())
        dec_n = dec + rng.gauss(0.0, args.noise_arcsec) * ARCSEC
        ra_n = ra + rng.gauss(0.0, args.noise_arcsec) * ARCSEC / math.cos(dec)
        o2 = dict(o)
        o2["ra_deg"] = math.degrees(ra_n) % 360.0
        o2["dec_deg"] = math.degrees(dec_n)
        o2["angle_sigma_arcsec"] = args.noise_arcsec
        out.append(o2)
    with open(args.output, "w") as f:
        json.dump(out, f, indent=1)
    print(f"{len(out)} measurements of {args.norad} -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
