#!/usr/bin/env python3
"""Orekit batch least-squares orbit determination on APOSOS angle observations.

    bench/orekit/.venv/bin/python bench/orekit/od.py OBS.json --norad N \\
        (--state STATE.json | --tle CATALOG.3le) [--force SPEC.json] [--estimate-cd] \\
        [--sites data/sites.toml] [--outlier-sigma 3] [--output FIT.json]

OBS.json: the JSON written by ``aposos simulate --format json`` (or the API): a list of
{"station", "norad", "time_utc", "ra_deg", "dec_deg", "frame", "angle_sigma_arcsec", ...}.
RA/Dec are astrometric (GCRS/ICRF axes, light time, no aberration): Orekit's AngularRaDec
in GCRF, which computes exactly that (station at reception, satellite at emission).
Stations are looked up by "station" = site ``id`` in the sites file (or its
``station_number``), geodetic WGS84 latitude/longitude/height.

Initial orbit: --state (JSON {"epoch_utc", "position_km", "velocity_km_s"} in GCRF; used as
given, at its own epoch) or --tle (the element set for --norad in a TLE/3LE file,
propagated with Orekit's TLEPropagator to the first measurement and converted TEME->GCRF).
The fitted state is at the initial orbit's epoch.

Output (stdout or --output): fitted epoch/state (GCRF km, km/s), 6x6 covariance (km, km/s),
estimated Cd, RMS of residuals (arcsec), measurements used/rejected, iterations,
evaluations, and timings: JVM start, data loading and the estimation itself, separately.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ARCSEC = math.pi / (180.0 * 3600.0)

DEFAULT_FORCE = {
    "gravity_degree": 20, "gravity_order": 20, "third_body": True,
    "drag": {"cd": 2.2, "area_m2": 1.0, "mass_kg": 100.0},
    "srp": {"cr": 1.3, "area_m2": 1.0, "mass_kg": 100.0},
}


def load_sites(path: str) -> dict:
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    sites = {}
    for s in doc.get("site", []):
        sites[s["id"]] = s
        if s.get("station_number"):
            sites[str(s["station_number"])] = s
    return sites


def tle_for(path: str, norad: int):
    lines = [ln.rstrip("\n") for ln in open(path, encoding="utf-8", errors="replace")]
    for i, ln in enumerate(lines):
        if ln.startswith("1 ") and i + 1 < len(lines) and lines[i + 1].startswith("2 "):
            if int(ln[2:7].replace(" ", "0") if ln[2:7].strip().isdigit() else -1) == norad:
                return ln, lines[i + 1]
    raise SystemExit(f"no element set for NORAD {norad} in {path}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("obs")
    ap.add_argument("--norad", type=int, help="fit this object's measurements (default: the only one)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--state", help="initial state JSON (epoch_utc, position_km, velocity_km_s; GCRF)")
    src.add_argument("--tle", help="TLE/3LE file holding the object's element set")
    ap.add_argument("--force", help="force-model spec JSON (default: 20x20 + Sun/Moon + drag + SRP, "
                                    "cd 2.2 / cr 1.3, 1 m2, 100 kg)")
    ap.add_argument("--estimate-cd", action="store_true", help="estimate the drag coefficient too")
    ap.add_argument("--sites", default=os.path.join(REPO, "data", "sites.toml"))
    ap.add_argument("--sigma-arcsec", type=float, help="override every measurement's sigma (on the sky)")
    ap.add_argument("--outlier-sigma", type=float, default=3.0, help="outlier threshold N (0 = off) [3]")
    ap.add_argument("--outlier-mode", choices=["rms", "orekit"], default="rms",
                    help="rms: as aposos od, reject sqrt((rRA^2+rDec^2)/2) > N x max(RMS, 1) of the "
                         "normalised residuals, refit until stable; orekit: Orekit's OutlierFilter "
                         "(|residual| > N sigma per axis, fixed) on a second pass [rms]")
    ap.add_argument("--max-rejection-rounds", type=int, default=8)
    ap.add_argument("--outlier-warmup", type=int, default=0,
                    help="orekit mode: iterations of the filtered pass before the filter acts [0]")
    ap.add_argument("--position-scale", type=float, default=1.0,
                    help="NumericalPropagatorBuilder position scale (m) [1]")
    ap.add_argument("--od-tolerance-m", type=float, default=1e-5,
                    help="integrator position tolerance during the fit (m) [1e-5]")
    ap.add_argument("--optimizer", choices=["lm", "gn"], default="lm",
                    help="Levenberg-Marquardt (default) or Gauss-Newton (QR)")
    ap.add_argument("--max-iterations", type=int, default=30)
    ap.add_argument("--convergence", type=float, default=1e-2,
                    help="BatchLSEstimator parameters convergence threshold, in position scales [1e-2]")
    ap.add_argument("--cost-tolerance", type=float, default=1e-6,
                    help="also converged when the cost changes by less than this, relative (0 = off) [1e-6]")
    ap.add_argument("--output", help="write the result JSON here (default: stdout)")
    ap.add_argument("--verbose", action="store_true", help="print every evaluation to stderr")
    args = ap.parse_args()

    c = common.init()

    from org.hipparchus.optim.nonlinear.vector.leastsquares import (GaussNewtonOptimizer,
                                                                     LevenbergMarquardtOptimizer)
    from org.hipparchus.linear import QRDecomposer
    from org.orekit.bodies import GeodeticPoint
    from org.orekit.estimation.leastsquares import BatchLSEstimator
    from org.orekit.estimation.measurements import AngularRaDec, GroundStation, ObservableSatellite
    from org.orekit.estimation.measurements.modifiers import OutlierFilter
    from org.orekit.frames import TopocentricFrame
    from org.orekit.orbits import PositionAngleType
    from org.orekit.propagation.analytical.tle import TLE, TLEPropagator
    from org.orekit.propagation.conversion import NumericalPropagatorBuilder

    # --- measurements ---------------------------------------------------------
    with open(args.obs) as f:
        obs = json.load(f)
    norads = sorted({o.get("norad") for o in obs if o.get("norad") is not None})
    norad = args.norad if args.norad is not None else (norads[0] if len(norads) == 1 else None)
    if norad is None:
        raise SystemExit(f"several objects in {args.obs} ({norads[:10]}...): give --norad")
    obs = [o for o in obs if o.get("norad") == norad]
    skipped_azel = [o for o in obs if "ra_deg" not in o]
    obs = [o for o in obs if "ra_deg" in o]
    frames = {o.get("frame", "J2000") for o in obs}
    if not frames <= {"J2000", "ICRF", "EME2000", None}:
        raise SystemExit(f"only J2000/ICRF RA/Dec supported here, found {frames}")
    if not obs:
        raise SystemExit(f"no RA/Dec measurements of {norad}")
    obs.sort(key=lambda o: o["time_utc"])

    sites = load_sites(args.sites)
    stations = {}
    ref_date = common.parse_utc(obs[0]["time_utc"])
    for sid in sorted({o["station"] for o in obs}):
        s = sites.get(sid)
        if s is None:
            raise SystemExit(f"station {sid!r} not in {args.sites}")
        gp = GeodeticPoint(math.radians(s["lat_deg"]), math.radians(s["lon_deg"]), float(s["height_m"]))
        st = GroundStation(TopocentricFrame(c.earth, gp, sid))
        # reference date of the (unestimated) station/EOP offset drivers: first measurement
        for drv in [st.getClockOffsetDriver(), st.getClockDriftDriver(), st.getClockAccelerationDriver(),
                    st.getEastOffsetDriver(), st.getNorthOffsetDriver(), st.getZenithOffsetDriver(),
                    st.getPrimeMeridianOffsetDriver(), st.getPrimeMeridianDriftDriver(),
                    st.getPolarOffsetXDriver(), st.getPolarDriftXDriver(),
                    st.getPolarOffsetYDriver(), st.getPolarDriftYDriver()]:
            drv.setReferenceDate(ref_date)
        stations[sid] = st

    # --- initial orbit --------------------------------------------------------
    if args.state:
        with open(args.state) as f:
            st0 = json.load(f)
        epoch0 = common.parse_utc(st0["epoch_utc"])
        orbit0 = common.cartesian_orbit(epoch0, st0["position_km"], st0["velocity_km_s"])
        initial_source = f"state file {args.state}"
    else:
        l1, l2 = tle_for(args.tle, norad)
        tle = TLE(l1, l2)
        pv = TLEPropagator.selectExtrapolator(tle).propagate(ref_date).getPVCoordinates(c.gcrf)
        p, v = pv.getPosition(), pv.getVelocity()
        orbit0 = common.cartesian_orbit(ref_date, [p.getX() / 1e3, p.getY() / 1e3, p.getZ() / 1e3],
                                        [v.getX() / 1e3, v.getY() / 1e3, v.getZ() / 1e3])
        initial_source = f"TLE {args.tle} (epoch {common.format_utc(tle.getDate())}) via TLEPropagator at first measurement"

    # --- propagator builder / estimator ----------------------------------------
    spec = DEFAULT_FORCE
    if args.force:
        with open(args.force) as f:
            spec = json.load(f)
        spec = spec.get("force", spec)
    if args.estimate_cd and not spec.get("drag"):
        raise SystemExit("--estimate-cd needs a drag model in the force spec")

    sat = ObservableSatellite(0)
    measurements = []
    for o in obs:
        sigma = (args.sigma_arcsec or float(o.get("angle_sigma_arcsec", 2.0))) * ARCSEC
        dec = math.radians(o["dec_deg"])
        # the sigma is on the sky (per axis); Orekit's RA residual is in RA itself
        sig = [sigma / max(math.cos(dec), 1e-6), sigma]
        measurements.append(AngularRaDec(stations[o["station"]], c.gcrf, common.parse_utc(o["time_utc"]),
                                         [math.radians(o["ra_deg"]), dec], sig, [1.0, 1.0], sat))

    passes: list = []
    timing = {"estimation": 0.0, "residual_evaluation": 0.0}

    # Convergence: Orekit's own test (every normalised parameter moved less than
    # --convergence) OR the cost changed by less than --cost-tolerance (relative). The
    # second is needed with SRP/drag: their non-smooth parts make the numerical solution
    # jitter by 0.01-1 m from one iteration to the next, and the parameter test alone
    # never passes (Gauss-Newton then stops at the iteration limit).
    from jpype import JImplements as _JImplements, JOverride as _JOverride

    @_JImplements("org.hipparchus.optim.ConvergenceChecker")
    class Checker:
        @_JOverride
        def converged(self, iteration, previous, current):
            if previous is None:
                return False
            p0, p1 = previous.getPoint(), current.getPoint()
            if max(abs(p1.getEntry(i) - p0.getEntry(i)) for i in range(p1.getDimension())) <= args.convergence:
                return True
            c0, c1 = previous.getCost(), current.getCost()
            return abs(c0 - c1) <= args.cost_tolerance * max(c1, 1e-300)

    checker = Checker()

    def fit(orbit_init, cd_init, used, label):
        """One BatchLSEstimator run from orbit_init on the measurements flagged in ``used``."""
        builder = NumericalPropagatorBuilder(orbit_init, common.integrator_builder(args.od_tolerance_m),
                                             PositionAngleType.MEAN, args.position_scale)
        for fm in common.force_models(spec):
            builder.addForceModel(fm)
        builder.setMass(common.spacecraft_mass(spec))
        if args.estimate_cd:
            for drv in builder.getPropagationParametersDrivers().getDrivers():
                if drv.getName() == "drag coefficient":
                    if cd_init is not None:
                        drv.setValue(cd_init)
                    drv.setSelected(True)
        if args.optimizer == "lm":
            optimizer = LevenbergMarquardtOptimizer()
        else:
            optimizer = GaussNewtonOptimizer(QRDecomposer(1e-11), False)
        estimator = BatchLSEstimator(optimizer, builder)
        estimator.setParametersConvergenceThreshold(args.convergence)
        if args.cost_tolerance > 0:
            estimator.setConvergenceChecker(checker)
        estimator.setMaxIterations(args.max_iterations)
        estimator.setMaxEvaluations(4 * args.max_iterations)
        t_start = [time.perf_counter()]
        prev = [None]
        if args.verbose:
            from jpype import JImplements, JOverride
            from org.orekit.estimation.leastsquares import BatchLSObserver

            @JImplements(BatchLSObserver)
            class Observer:
                @JOverride
                def evaluationPerformed(self, it, ev, orbits, orb_drv, prop_drv, meas_drv, provider, lsp):
                    o0 = orbits[0]
                    pos = o0.getPosition()
                    step = pos.distance(prev[0]) if prev[0] is not None else float("nan")
                    prev[0] = pos
                    print(f"  [{label}] iteration {it} evaluation {ev}: weighted RMS {lsp.getRMS():.6g}, "
                          f"a {o0.getA() / 1e3:.4f} km, e {o0.getE():.6f}, |dr| from previous {step:.3f} m, "
                          f"t {time.perf_counter() - t_start[0]:.1f} s", file=sys.stderr)

            estimator.setObserver(Observer())
        for m, u in zip(measurements, used):
            if u:
                estimator.addMeasurement(m)
        t_start[0] = time.perf_counter()
        propagator = estimator.estimate()[0]
        wall = time.perf_counter() - t_start[0]
        timing["estimation"] += wall
        cd = None
        for drv in estimator.getPropagatorParametersDrivers(True).getDrivers():
            if drv.getName() == "drag coefficient":
                cd = drv.getValue()
        passes.append({"pass": label, "measurements": sum(used),
                       "iterations": estimator.getIterationsCount(),
                       "evaluations": estimator.getEvaluationsCount(),
                       "weighted_rms": estimator.getOptimum().getRMS(), "wall_s": wall})
        return estimator, propagator, cd

    def residuals(propagator):
        """Normalised (RA, Dec) residuals (computed - observed over sigma) of every measurement."""
        from jpype import JArray
        from org.orekit.propagation import SpacecraftState

        t_res = time.perf_counter()
        out = []
        for m in measurements:  # chronological
            state = propagator.propagate(m.getDate())
            e = m.estimateWithoutDerivatives(JArray(SpacecraftState)([state]))
            th, ob, sg = list(e.getEstimatedValue()), list(m.getObservedValue()), list(m.getTheoreticalStandardDeviation())
            out.append((math.remainder(th[0] - ob[0], 2 * math.pi) / sg[0], (th[1] - ob[1]) / sg[1],
                        math.remainder(th[0] - ob[0], 2 * math.pi) * math.cos(ob[1]) / ARCSEC,
                        (th[1] - ob[1]) / ARCSEC))
        timing["residual_evaluation"] += time.perf_counter() - t_res
        return out

    used = [True] * len(measurements)
    orbit, cd = orbit0, None
    mode = args.outlier_mode if args.outlier_sigma > 0 else "none"
    t_fit = time.perf_counter()
    if mode == "orekit":
        # pass 1 unfiltered (from a poor first guess nearly every measurement is > 3 sigma
        # off, and the fixed-sigma filter would reject them all), pass 2 filtered
        estimator, propagator, cd = fit(orbit, cd, used, "no-filter")
        orbit = propagator.getInitialState().getOrbit()
        first = (estimator, propagator, cd, orbit)
        for m in measurements:
            m.addModifier(OutlierFilter(args.outlier_warmup, args.outlier_sigma))
        try:
            estimator, propagator, cd = fit(orbit, cd, used, "orekit-filter")
            orbit = propagator.getInitialState().getOrbit()
            res = residuals(propagator)
            last = estimator.getLastEstimations()
            used = [last.get(m) is not None and str(last.get(m).getStatus()) != "REJECTED" for m in measurements]
        except Exception as exc:  # noqa: BLE001  (e.g. "singular problem": all rejected)
            passes.append({"pass": "orekit-filter", "error": str(exc)})
            print(f"orekit-filter pass failed ({exc}); reporting the unfiltered solution, "
                  f"'used' = measurements within {args.outlier_sigma} sigma per axis", file=sys.stderr)
            estimator, propagator, cd, orbit = first
            res = residuals(propagator)
            used = [abs(r[0]) <= args.outlier_sigma and abs(r[1]) <= args.outlier_sigma for r in res]
    else:
        # as aposos-orbit's od::lsq: after each convergence every measurement is tested
        # against N x max(RMS, 1) of the normalised residuals; refit until the set is stable
        rounds = args.max_rejection_rounds if mode == "rms" else 0
        for rnd in range(rounds + 1):
            estimator, propagator, cd = fit(orbit, cd, used, f"round-{rnd}")
            orbit = propagator.getInitialState().getOrbit()
            res = residuals(propagator)
            if mode == "none":
                break
            n_used = max(1, sum(used))
            rms_n = math.sqrt(sum((r[0] ** 2 + r[1] ** 2) for r, u in zip(res, used) if u) / (2 * n_used))
            threshold = args.outlier_sigma * max(rms_n, 1.0)
            new_used = [math.sqrt((r[0] ** 2 + r[1] ** 2) / 2) <= threshold for r in res]
            passes[-1]["threshold_normalised"] = threshold
            if new_used == used:
                break
            used = new_used
    timing["fit_total"] = time.perf_counter() - t_fit
    # `orbit` is the fitted orbit at the initial epoch (taken before residuals() moved
    # the propagator along the measurements)

    # --- results --------------------------------------------------------------
    pv = orbit.getPVCoordinates(c.gcrf)
    p, v = pv.getPosition(), pv.getVelocity()
    res_ra = [r[2] for r, u in zip(res, used) if u]
    res_dec = [r[3] for r, u in zip(res, used) if u]
    per_station: dict = {}
    for o, r, u in zip(obs, res, used):
        if u:
            per_station.setdefault(o["station"], []).append(r[2] ** 2 + r[3] ** 2)

    def rms(xs):
        return math.sqrt(sum(x * x for x in xs) / len(xs)) if xs else None

    try:
        pc = estimator.getPhysicalCovariances(1e-10)
        n = pc.getRowDimension()
        cov = {"frame": "GCRF", "units": "km, km/s", "order": ["x", "y", "z", "vx", "vy", "vz"],
               "matrix": [[pc.getEntry(i, j) / 1e6 for j in range(6)] for i in range(6)],
               "n_parameters": n,
               "note": "Orekit getPhysicalCovariances: (J^T W J)^-1 with the stated sigmas, "
                       "not scaled by the a-posteriori variance factor"}
        if n > 6:
            cov["cd_variance"] = pc.getEntry(6, 6)
            cov["cd_cross_km_km_s"] = [pc.getEntry(6, j) / 1e3 for j in range(6)]
    except Exception as exc:  # noqa: BLE001
        cov = {"error": str(exc)}

    result = {
        "norad": norad,
        "versions": common.versions(),
        "initial_orbit": initial_source,
        "force": spec,
        "estimate_cd": bool(args.estimate_cd),
        "optimizer": "LevenbergMarquardt" if args.optimizer == "lm" else "GaussNewton(QR)",
        "epoch_utc": common.format_utc(orbit.getDate()),
        "position_km": [p.getX() / 1e3, p.getY() / 1e3, p.getZ() / 1e3],
        "velocity_km_s": [v.getX() / 1e3, v.getY() / 1e3, v.getZ() / 1e3],
        "cd": cd,
        "covariance": cov,
        "measurements": {"total": len(measurements), "used": sum(used), "rejected": len(used) - sum(used),
                         "skipped_azel": len(skipped_azel), "stations": sorted(stations),
                         "first_utc": obs[0]["time_utc"], "last_utc": obs[-1]["time_utc"]},
        "rms_arcsec": {"per_axis": rms(res_ra + res_dec), "ra_cos_dec": rms(res_ra), "dec": rms(res_dec),
                       "per_station_per_axis": {k: math.sqrt(sum(v_) / (2 * len(v_)))
                                                for k, v_ in per_station.items()}},
        "weighted_rms_orekit": estimator.getOptimum().getRMS(),
        "iterations": sum(p_.get("iterations", 0) for p_ in passes),
        "evaluations": sum(p_.get("evaluations", 0) for p_ in passes),
        "passes": passes,
        "outlier_rejection": ({"mode": mode, "sigma": args.outlier_sigma,
                               **({"warmup_iterations": args.outlier_warmup} if mode == "orekit" else
                                  {"max_rounds": args.max_rejection_rounds})} if mode != "none" else None),
        "integrator": {"type": "DormandPrince853", "position_tolerance_m": args.od_tolerance_m,
                       "min_step_s": common.MIN_STEP_S, "max_step_s": common.MAX_STEP_S},
        "position_scale_m": args.position_scale,
        "convergence_threshold": args.convergence,
        "cost_tolerance": args.cost_tolerance,
        "station_reference_date_utc": common.format_utc(ref_date),
        "timing_s": {"jvm_start": c.jvm_start_s, "data_load": c.data_load_s, **timing},
    }
    text = json.dumps(result, indent=1)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    r_txt = f"{result['rms_arcsec']['per_axis']:.3f}\"" if res_ra else "n/a"
    print(f"NORAD {norad}: {sum(used)} used / {len(used) - sum(used)} rejected, RMS {r_txt} per axis, "
          f"{result['iterations']} iterations in {len(passes)} pass(es), estimation {timing['estimation']:.2f} s "
          f"(+ residuals {timing['residual_evaluation']:.2f} s; JVM {c.jvm_start_s:.2f} s, data {c.data_load_s:.2f} s)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
