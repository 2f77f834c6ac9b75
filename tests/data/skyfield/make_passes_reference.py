#!/usr/bin/env python3
"""Reference pass events (rise, culmination, set) made with Skyfield's find_events.

Objects: element sets of Vallado's SGP4 verification file (tests/data/SGP4-VER.TLE,
lines cut at column 69) in LEO, MEO, HEO and GEO; sites: the network in
data/sites.toml (WGS84 latitude, longitude, height). For each object and site,
the events above 10 degrees over 2 days from the first whole hour after the
element epoch (and above 0 degrees for two objects).

Skyfield uses the SAME finals2000A.all that aposos-astro embeds
(data/eop/finals2000A.all) for UT1 and polar motion, as in
make_frames_reference.py. Nothing is downloaded.

Writes passes.csv next to this script:
  norad,site,lat_deg,lon_deg,height_m,from_utc,to_utc,min_el_deg,event,time_utc,el_deg
with event 0 = rise, 1 = culmination, 2 = set and times as ISO 8601 UTC with
microseconds. Checked by crates/aposos-plan/tests/against_skyfield_passes.rs.

Run from the repository root:
  python3 -m venv /tmp/sfvenv
  /tmp/sfvenv/bin/pip install skyfield==1.55 skyfield-data==7.0.0
  /tmp/sfvenv/bin/python tests/data/skyfield/make_passes_reference.py
"""
import csv
import os
import shutil
import tempfile
import tomllib

from skyfield.api import EarthSatellite, Loader, wgs84
from skyfield.data import iers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
FINALS = os.path.join(ROOT, 'data', 'eop', 'finals2000A.all')
VER = os.path.join(ROOT, 'tests', 'data', 'SGP4-VER.TLE')
SITES = os.path.join(ROOT, 'data', 'sites.toml')

# LEO (06251, 28057, 28626 ...), MEO/GPS (28129), Molniya (08195), GTO-like (23599), GEO (25954).
OBJECTS = ['06251', '28057', '22674', '28626', '26975', '28129', '08195', '23599', '09880', '25954']
MIN_EL_ZERO = ['28057', '08195']


def timescale():
    d = tempfile.mkdtemp(prefix='sf_ref_')
    shutil.copy(FINALS, os.path.join(d, 'finals2000A.all'))
    load = Loader(d, verbose=False)
    ts = load.timescale(builtin=False)
    with load.open('finals2000A.all') as f:
        finals = iers.parse_x_y_dut1_from_finals_all(f)
    iers.install_polar_motion_table(ts, finals)
    return ts


def sites():
    with open(SITES, 'rb') as f:
        data = tomllib.load(f)
    return [(s['id'], float(s['lat_deg']), float(s['lon_deg']), float(s['height_m'])) for s in data['site']]


def tle(norad):
    lines = open(VER).read().splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith('1 ' + norad))
    return lines[i][:69], lines[i + 1][:69]


def main():
    ts = timescale()
    rows = []
    for norad in OBJECTS:
        l1, l2 = tle(norad)
        sat = EarthSatellite(l1, l2, norad, ts)
        ep = sat.epoch.utc
        t0 = ts.utc(ep.year, ep.month, ep.day, ep.hour + 1)
        t1 = ts.tt_jd(t0.tt + 2.0)
        for site_id, lat, lon, h in sites():
            topos = wgs84.latlon(lat, lon, elevation_m=h)
            for min_el in ([10.0, 0.0] if norad in MIN_EL_ZERO else [10.0]):
                times, events = sat.find_events(topos, t0, t1, altitude_degrees=min_el)
                for t, e in zip(times, events):
                    alt = (sat - topos).at(t).altaz()[0].degrees
                    rows.append([norad, site_id, repr(lat), repr(lon), repr(h),
                                 t0.utc_strftime('%Y-%m-%dT%H:%M:%S'),
                                 t1.utc_strftime('%Y-%m-%dT%H:%M:%S'),
                                 repr(min_el), int(e), t.utc_strftime('%Y-%m-%dT%H:%M:%S.%f'), '%.6f' % alt])
    with open(os.path.join(HERE, 'passes.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['norad', 'site', 'lat_deg', 'lon_deg', 'height_m', 'from_utc', 'to_utc',
                    'min_el_deg', 'event', 'time_utc', 'el_deg'])
        w.writerows(rows)
    print(len(rows), 'events')


if __name__ == '__main__':
    main()
