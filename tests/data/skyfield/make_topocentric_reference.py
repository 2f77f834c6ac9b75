#!/usr/bin/env python3
"""Topocentric reference values for aposos-plan's `predict`, made with Skyfield.

Same setup as make_frames_reference.py: Skyfield reads OUR data/eop/finals2000A.all
(UT1 and leap seconds via ``load.timescale(builtin=False)``, polar motion via
``iers.install_polar_motion_table``); DE421 comes from the skyfield-data package.
Nothing is downloaded.

Objects (topocentric_objects.tle, written by this script): a selection of Vallado's
verification TLEs (tests/data/SGP4-VER.TLE, first 69 columns) across LEO, MEO, GEO
and HEO, and five element sets generated here with sgp4init for 2026 epochs
(ISS-like LEO, sun-synchronous LEO, GPS-like MEO, GEO, Molniya). No CelesTrak data.

For each object, each network site and 10 seeded-random instants within 4 days of
the element epoch, and for six LEO/MEO objects at 3, 1.5 and 0.6 s either side of
their shadow entries and exits in the day after epoch (seen from Lahore), writes
topocentric.csv with:
  geometric   (sat - topos).at(t): Skyfield's EarthSatellite is geometric GCRS
              (TEME->GCRS, no light time, no aberration); .radec() gives ICRF
              RA/Dec, .altaz() Az/El in the WGS84 frame with polar motion;
              rates from frame_latlon_and_rates (ICRS and the topos frame),
              range rate from the same; refracted altitude with
              altaz(temperature_C=10, pressure_mbar=1013.25) (Bennett, iterated).
  light time  an independent iteration with Skyfield's vectors:
              rho = sat.at(t - tau).position - topos.at(t).position, tau = |rho|/c,
              until tau changes by < 1e-12 s; RA/Dec of rho (no aberration).
  sunlit      is_sunlit(de421) of the object at t - tau (Skyfield tests whether
              the line to the Sun's centre meets a sphere of 6378.1366 km), and
              the same at t - tau -/+ 1 s to flag rows within 1 s of a boundary.
  Sun, Moon   geometric geocentric GCRS vectors (sun - earth, moon - earth) at t
              from DE421 (TDB taken as Skyfield computes it).

Run from the repository root:
  python3 -m venv /tmp/sfvenv
  /tmp/sfvenv/bin/pip install skyfield==1.55 skyfield-data==7.0.0
  /tmp/sfvenv/bin/python tests/data/skyfield/make_topocentric_reference.py
"""
import csv
import math
import os
import shutil
import tempfile

import numpy as np
import skyfield
from sgp4.api import Satrec, WGS72
from sgp4.exporter import export_tle
from skyfield.api import EarthSatellite, Loader, wgs84
from skyfield.data import iers
from skyfield.framelib import ICRS as ICRS_FRAME
from skyfield_data import get_skyfield_data_path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
FINALS = os.path.join(ROOT, 'data', 'eop', 'finals2000A.all')
VALLADO = os.path.join(ROOT, 'tests', 'data', 'SGP4-VER.TLE')
C_KM_S = 299792.458

# Vallado's catalog numbers: LEO, MEO, GEO, HEO.
VALLADO_PICK = ['06251', '28057', '29238', '00005', '28129', '28626', '25954',
                '14128', '08195', '26975', '21897']

# Objects whose shadow entries and exits get extra rows.
SHADOW_OBJECTS = {6251, 28057, 29238, 90001, 90002, 5}

# name, lat_deg, lon_deg, height_m (same as geodesy.csv)
SITES = [
    ('lahore', 31.5204, 74.3587, 217.0),
    ('islamabad', 33.6844, 73.0479, 540.0),
    ('lima', -12.0464, -77.0428, 154.0),
    ('arequipa', -16.4090, -71.5375, 2335.0),
    ('tehran', 35.6892, 51.3890, 1190.0),
    ('beijing', 39.9042, 116.4074, 44.0),
]


def fmt(x):
    return repr(float(x))


def timescale_and_ephemeris():
    d = tempfile.mkdtemp(prefix='sf_topo_')
    shutil.copy(FINALS, os.path.join(d, 'finals2000A.all'))
    shutil.copy(os.path.join(get_skyfield_data_path(), 'de421.bsp'), os.path.join(d, 'de421.bsp'))
    load = Loader(d, verbose=False)
    ts = load.timescale(builtin=False)
    with load.open('finals2000A.all') as f:
        finals = iers.parse_x_y_dut1_from_finals_all(f)
    iers.install_polar_motion_table(ts, finals)
    return ts, load('de421.bsp')


def vallado_tles():
    lines = [l.rstrip('\n') for l in open(VALLADO) if not l.startswith('#')]
    out = []
    for i, l in enumerate(lines):
        if l.startswith('1 ') and l[2:7] in VALLADO_PICK:
            out.append((l[:69], lines[i + 1][:69]))
    out.sort(key=lambda p: VALLADO_PICK.index(p[0][2:7]))
    return out


def generated_tles():
    # satnum, epoch (days since 1949-12-31 0h UTC), bstar, ecco, argpo_deg, inclo_deg, mo_deg, no_rev_day, nodeo_deg
    epoch0 = (np.datetime64('2026-03-01T00:00:00') - np.datetime64('1949-12-31T00:00:00')) / np.timedelta64(1, 'D')
    specs = [
        (90001, epoch0 + 0.25, 2.0e-4, 0.0005, 80.0, 51.64, 10.0, 15.50, 120.0),
        (90002, epoch0 + 12.5, 5.0e-5, 0.0012, 90.0, 97.8, 200.0, 14.20, 300.0),
        (90003, epoch0 + 40.1, 0.0, 0.008, 40.0, 55.0, 150.0, 2.0056, 20.0),
        (90004, epoch0 + 80.7, 0.0, 0.0002, 270.0, 0.05, 30.0, 1.00272, 80.0),
        (90005, epoch0 + 120.3, 0.0, 0.72, 270.0, 63.4, 5.0, 2.0063, 200.0),
    ]
    out = []
    for satnum, epoch, bstar, ecco, argpo, inclo, mo, no, nodeo in specs:
        s = Satrec()
        s.sgp4init(WGS72, 'i', satnum, epoch, bstar, 0.0, 0.0, ecco, math.radians(argpo),
                   math.radians(inclo), math.radians(mo), no * 2 * math.pi / 1440.0, math.radians(nodeo))
        l1, l2 = export_tle(s)
        out.append((l1, l2))
    return out


def write_row(w, sat, norad, name, topos, mjd, sec):
    ts, eph = CTX['ts'], CTX['eph']
    earth, sun, moon = eph['earth'], eph['sun'], eph['moon']
    t = ts.utc(1858, 11, 17 + mjd, 0, 0, sec)
    rel = (sat - topos).at(t)
    ra, dec, dist = rel.radec()
    alt, az, _ = rel.altaz()
    alt_r, _, _ = rel.altaz(temperature_C=10.0, pressure_mbar=1013.25)
    _, _, _, dec_rate, ra_rate, rr = rel.frame_latlon_and_rates(ICRS_FRAME)
    _, _, _, alt_rate, az_rate, _ = rel.frame_latlon_and_rates(topos)
    # Light time: independent iteration on Skyfield's GCRS vectors.
    obs = topos.at(t).position.km
    tau = 0.0
    for _ in range(20):
        tr = t + (-tau / 86400.0)
        rho = sat.at(tr).position.km - obs
        nxt = float(np.sqrt(rho @ rho)) / C_KM_S
        done = abs(nxt - tau) < 1e-12
        tau = nxt
        if done:
            break
    tr = t + (-tau / 86400.0)
    rho = sat.at(tr).position.km - obs
    lt_ra = math.degrees(math.atan2(rho[1], rho[0])) % 360.0
    lt_dec = math.degrees(math.atan2(rho[2], math.hypot(rho[0], rho[1])))
    lit = [bool(sat.at(tr + d / 86400.0).is_sunlit(eph)) for d in (0.0, -1.0, 1.0)]
    s = (sun - earth).at(t).position.km
    m = (moon - earth).at(t).position.km
    cosd = math.cos(dec.radians)
    w.writerow([norad, name, mjd, fmt(sec),
                fmt(ra._degrees), fmt(dec.degrees), fmt(az.degrees), fmt(alt.degrees),
                fmt(dist.km), fmt(rr.km_per_s),
                fmt(ra_rate.degrees.per_second * cosd), fmt(dec_rate.degrees.per_second),
                fmt(az_rate.degrees.per_second), fmt(alt_rate.degrees.per_second),
                fmt(alt_r.degrees),
                fmt(lt_ra), fmt(lt_dec), fmt(float(np.sqrt(rho @ rho))), fmt(tau),
                int(lit[0]), int(lit[1]), int(lit[2])]
               + [fmt(v) for v in s] + [fmt(v) for v in m])


def shadow_boundaries(ts, eph, sat, mjd0):
    """(MJD, seconds of day) of the changes of Skyfield's is_sunlit over one day from epoch, to 1 ms."""
    mjd = int(math.floor(mjd0)) + 1
    def lit(sec):
        return bool(sat.at(ts.utc(1858, 11, 17 + mjd, 0, 0, sec)).is_sunlit(eph))
    out = []
    prev = lit(0.0)
    for k in range(1, 86400 // 20):
        now = lit(20.0 * k)
        if now != prev:
            lo, hi = 20.0 * (k - 1), 20.0 * k
            while hi - lo > 1e-3:
                mid = 0.5 * (lo + hi)
                if lit(mid) == prev:
                    lo = mid
                else:
                    hi = mid
            out.append((mjd, round(0.5 * (lo + hi), 3)))
            prev = now
    return out[:6]


CTX = {}


def main():
    ts, eph = timescale_and_ephemeris()
    CTX['ts'], CTX['eph'] = ts, eph
    print('skyfield', skyfield.__version__)
    tles = vallado_tles() + generated_tles()
    with open(os.path.join(HERE, 'topocentric_objects.tle'), 'w') as f:
        for l1, l2 in tles:
            f.write(l1 + '\n' + l2 + '\n')

    rng = np.random.default_rng(20261121)
    cols = ['norad', 'site', 'mjd_utc', 'sec_of_day',
            'ra_deg', 'dec_deg', 'az_deg', 'el_deg', 'range_km', 'range_rate_km_s',
            'ra_rate_deg_s', 'dec_rate_deg_s', 'az_rate_deg_s', 'el_rate_deg_s', 'el_refr_deg',
            'lt_ra_deg', 'lt_dec_deg', 'lt_range_km', 'lt_tau_s',
            'sunlit', 'sunlit_minus_1s', 'sunlit_plus_1s',
            'sun_x_km', 'sun_y_km', 'sun_z_km', 'moon_x_km', 'moon_y_km', 'moon_z_km']
    rows = 0
    with open(os.path.join(HERE, 'topocentric.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(cols)
        for l1, l2 in tles:
            sat = EarthSatellite(l1, l2, None, ts)
            norad = int(l1[2:7])
            ep = sat.epoch.utc_datetime()
            mjd0 = (np.datetime64(ep.replace(tzinfo=None)) - np.datetime64('1858-11-17T00:00:00')) / np.timedelta64(1, 'D')
            for name, lat, lon, h in SITES:
                topos = wgs84.latlon(lat, lon, elevation_m=h)
                for _ in range(10):
                    # Whole milliseconds, 0 to 4 days after epoch.
                    x = mjd0 + float(rng.uniform(0.0, 4.0))
                    mjd = int(math.floor(x))
                    sec = round((x - mjd) * 86400.0, 3)
                    write_row(w, sat, norad, name, topos, mjd, sec)
                    rows += 1
            if norad in SHADOW_OBJECTS:
                # Rows around each shadow entry and exit of the first day (Skyfield's flag,
                # bisected to 1 ms): at +-0.6 s (within 1 s of the boundary), +-1.5 s, +-3 s.
                name, lat, lon, h = SITES[0]
                topos = wgs84.latlon(lat, lon, elevation_m=h)
                for mjd_b, sec_b in shadow_boundaries(ts, eph, sat, mjd0):
                    for d in (-3.0, -1.5, -0.6, 0.6, 1.5, 3.0):
                        x = sec_b + d
                        mjd = mjd_b + int(math.floor(x / 86400.0))
                        sec = round(x - 86400.0 * math.floor(x / 86400.0), 3)
                        write_row(w, sat, norad, name, topos, mjd, sec)
                        rows += 1
    print('rows', rows)


if __name__ == '__main__':
    main()
