"""Shared Orekit set-up for the APOSOS reference scripts (propagate.py, od.py).

Everything that defines the reference force model lives here; bench/orekit/README.md
lists the same choices in prose.  Start with ``init()`` (starts the JVM and loads
bench/orekit/data), then ``build_propagator(spec, epoch_utc, pos_km, vel_km_s)``.

Force-model spec (a dict, e.g. from cases.json)::

    {"gravity_degree": 20, "gravity_order": 20,   # EGM96 (EGM96.gfc), Holmes-Featherstone in ITRF;
                                                  #   0/0 or missing -> point-mass Earth only
     "third_body": true,                          # Sun + Moon point masses (DE440)
     "drag": {"cd": 2.2, "area_m2": 1.0, "mass_kg": 100.0} or null,
     "srp":  {"cr": 1.3, "area_m2": 1.0, "mass_kg": 100.0} or null}
"""

from __future__ import annotations

import math
import os
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")

# Integrator settings (see README): DormandPrince853, tolerances from
# NumericalPropagator.tolerances(POSITION_TOLERANCE_M, orbit, CARTESIAN).
# 1e-8 m, not 1 mm: with 1 mm the 7-day LEO 20x20 case is off by 57 m from the
# converged answer (bench/orekit/sanity.py measures this; README has the table).
POSITION_TOLERANCE_M = 1.0e-8
MIN_STEP_S = 1.0e-3
MAX_STEP_S = 300.0

_ctx = None  # filled by init()


class Ctx:
    """Handles to the loaded Orekit objects (one per process)."""


def init(data_dir: str = DATA_DIR) -> Ctx:
    """Start the JVM, register ``data_dir`` with Orekit's default DataContext.

    Returns a Ctx with frames, time scales, bodies and timing (seconds) in
    ``ctx.jvm_start_s`` and ``ctx.data_load_s``.
    """
    global _ctx
    if _ctx is not None:
        return _ctx
    if not os.path.isfile(os.path.join(data_dir, "eop", "finals2000A.all")):
        raise SystemExit(f"Orekit data folder {data_dir} incomplete: run bench/orekit/setup first")
    t0 = time.perf_counter()
    import orekit_jpype

    orekit_jpype.initVM()
    t1 = time.perf_counter()

    from java.io import File
    from org.orekit.bodies import CelestialBodyFactory, OneAxisEllipsoid
    from org.orekit.data import DataContext, DirectoryCrawler
    from org.orekit.forces.gravity.potential import GravityFieldFactory
    from org.orekit.frames import FramesFactory
    from org.orekit.time import TimeScalesFactory
    from org.orekit.utils import Constants, IERSConventions

    manager = DataContext.getDefault().getDataProvidersManager()
    manager.clearProviders()
    manager.addProvider(DirectoryCrawler(File(data_dir)))

    c = Ctx()
    c.data_dir = data_dir
    c.utc = TimeScalesFactory.getUTC()
    c.tai = TimeScalesFactory.getTAI()
    c.gcrf = FramesFactory.getGCRF()
    # IERS 2010 conventions, simpleEOP = False (tidal corrections to EOP interpolation on)
    c.itrf = FramesFactory.getITRF(IERSConventions.IERS_2010, False)
    c.earth = OneAxisEllipsoid(Constants.WGS84_EARTH_EQUATORIAL_RADIUS,
                               Constants.WGS84_EARTH_FLATTENING, c.itrf)
    c.sun = CelestialBodyFactory.getSun()
    c.moon = CelestialBodyFactory.getMoon()
    # Force loading of everything now so that later timings exclude data loading.
    c.gravity_max = GravityFieldFactory.getNormalizedProvider(2, 0)
    c.mu = c.gravity_max.getMu()
    from org.orekit.time import AbsoluteDate
    probe = AbsoluteDate(2026, 5, 20, 12, 0, 0.0, c.utc)
    c.sun.getPosition(probe, c.gcrf)
    c.moon.getPosition(probe, c.gcrf)
    c.gcrf.getTransformTo(c.itrf, probe)
    t2 = time.perf_counter()
    c.jvm_start_s = t1 - t0
    c.data_load_s = t2 - t1
    _ctx = c
    return c


def versions() -> dict:
    """Versions of Orekit (from the jar manifest), orekit-jpype, JPype and Java."""
    import importlib.metadata as md

    import zipfile

    import orekit_jpype

    init()
    from java.lang import System

    jars = os.path.join(os.path.dirname(orekit_jpype.__file__), "jars")
    jar = next(j for j in sorted(os.listdir(jars)) if j.startswith("orekit-") and j.endswith(".jar"))
    with zipfile.ZipFile(os.path.join(jars, jar)) as z:
        manifest = z.read("META-INF/MANIFEST.MF").decode()
    orekit_version = next(line.split(":", 1)[1].strip() for line in manifest.splitlines()
                          if line.startswith("Bundle-Version:"))
    return {
        "orekit": orekit_version,
        "orekit_jpype": md.version("orekit-jpype"),
        "jpype1": md.version("JPype1"),
        "java": str(System.getProperty("java.version")),
    }


def parse_utc(text: str):
    """ISO-8601 UTC string (``2026-05-20T12:00:00.000``, optional trailing Z) -> AbsoluteDate."""
    from org.orekit.time import AbsoluteDate

    return AbsoluteDate(text.rstrip("Z"), init().utc)


def format_utc(date) -> str:
    return str(date.toStringWithoutUtcOffset(init().utc, 6))


def gravity_provider(degree: int, order: int):
    from org.orekit.forces.gravity.potential import GravityFieldFactory

    return GravityFieldFactory.getNormalizedProvider(int(degree), int(order))


def spacecraft_mass(spec: dict) -> float:
    masses = {float(spec[k]["mass_kg"]) for k in ("drag", "srp") if spec.get(k)}
    if len(masses) > 1:
        raise ValueError(f"drag and srp give different masses: {sorted(masses)}")
    return masses.pop() if masses else 1000.0


def force_models(spec: dict, estimate_cd: bool = False) -> list:
    """Orekit ForceModel list for a spec (the central Newtonian term is added by the propagator)."""
    from org.orekit.forces.drag import DragForce, IsotropicDrag
    from org.orekit.forces.gravity import HolmesFeatherstoneAttractionModel, ThirdBodyAttraction
    from org.orekit.forces.radiation import IsotropicRadiationSingleCoefficient, SolarRadiationPressure
    from org.orekit.models.earth.atmosphere import HarrisPriester

    c = init()
    models = []
    deg = int(spec.get("gravity_degree") or 0)
    order = int(spec.get("gravity_order", deg) or 0)
    if deg >= 2:
        models.append(HolmesFeatherstoneAttractionModel(c.itrf, gravity_provider(deg, order)))
    if spec.get("third_body"):
        models.append(ThirdBodyAttraction(c.sun))
        models.append(ThirdBodyAttraction(c.moon))
    if spec.get("drag"):
        d = spec["drag"]
        atmosphere = HarrisPriester(c.sun, c.earth)  # default cosine exponent n = 4
        drag = DragForce(atmosphere, IsotropicDrag(float(d["area_m2"]), float(d["cd"])))
        if estimate_cd:
            for drv in drag.getParametersDrivers():
                if drv.getName() == "drag coefficient":
                    drv.setSelected(True)
        models.append(drag)
    if spec.get("srp"):
        s = spec["srp"]
        models.append(SolarRadiationPressure(
            c.sun, c.earth, IsotropicRadiationSingleCoefficient(float(s["area_m2"]), float(s["cr"]))))
    return models


def cartesian_orbit(date, pos_km, vel_km_s, mu=None):
    from org.hipparchus.geometry.euclidean.threed import Vector3D
    from org.orekit.orbits import CartesianOrbit
    from org.orekit.utils import PVCoordinates

    c = init()
    pv = PVCoordinates(Vector3D(*[1e3 * float(x) for x in pos_km]),
                       Vector3D(*[1e3 * float(x) for x in vel_km_s]))
    return CartesianOrbit(pv, c.gcrf, date, c.mu if mu is None else mu)


def integrator_builder(position_tolerance_m: float | None = None):
    """DormandPrince853 builder (used by od.py); same settings as build_propagator unless
    another position tolerance is given."""
    from org.orekit.propagation import ToleranceProvider
    from org.orekit.propagation.conversion import DormandPrince853IntegratorBuilder

    tol = POSITION_TOLERANCE_M if position_tolerance_m is None else position_tolerance_m
    return DormandPrince853IntegratorBuilder(
        MIN_STEP_S, MAX_STEP_S, ToleranceProvider.getDefaultToleranceProvider(float(tol)))


def build_propagator(spec: dict, date, pos_km, vel_km_s):
    """NumericalPropagator (GCRF, Cartesian, DP853) for the spec, initial state at ``date``."""
    from org.hipparchus.ode.nonstiff import DormandPrince853Integrator
    from org.orekit.orbits import OrbitType
    from org.orekit.propagation import SpacecraftState
    from org.orekit.propagation.numerical import NumericalPropagator

    orbit = cartesian_orbit(date, pos_km, vel_km_s)
    tol = NumericalPropagator.tolerances(POSITION_TOLERANCE_M, orbit, OrbitType.CARTESIAN)
    integrator = DormandPrince853Integrator(MIN_STEP_S, MAX_STEP_S, tol[0], tol[1])
    prop = NumericalPropagator(integrator)
    prop.setOrbitType(OrbitType.CARTESIAN)
    for fm in force_models(spec):
        prop.addForceModel(fm)
    prop.setInitialState(SpacecraftState(orbit).withMass(spacecraft_mass(spec)))
    return prop


def state_row(state, epoch) -> list:
    """[t_s, x, y, z (km), vx, vy, vz (km/s)] in GCRF."""
    c = init()
    pv = state.getPVCoordinates(c.gcrf)
    p, v = pv.getPosition(), pv.getVelocity()
    return [float(state.getDate().durationFrom(epoch)),
            p.getX() / 1e3, p.getY() / 1e3, p.getZ() / 1e3,
            v.getX() / 1e3, v.getY() / 1e3, v.getZ() / 1e3]


def keplerian_to_cartesian(date, a_km, e, i_deg, raan_deg, argp_deg, m_deg):
    """Osculating Keplerian elements in GCRF (mu = EGM96 GM) -> (pos_km, vel_km_s)."""
    from org.orekit.orbits import KeplerianOrbit, PositionAngleType

    c = init()
    orb = KeplerianOrbit(a_km * 1e3, e, math.radians(i_deg), math.radians(argp_deg),
                         math.radians(raan_deg), math.radians(m_deg), PositionAngleType.MEAN,
                         c.gcrf, date, c.mu)
    pv = orb.getPVCoordinates()
    p, v = pv.getPosition(), pv.getVelocity()
    return ([p.getX() / 1e3, p.getY() / 1e3, p.getZ() / 1e3],
            [v.getX() / 1e3, v.getY() / 1e3, v.getZ() / 1e3])
