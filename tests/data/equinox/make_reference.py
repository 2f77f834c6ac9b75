"""Reference reductions of RA/Dec from older equinoxes to J2000, by astropy.

Run with astropy 8.0.2 (PyPI): python3 make_reference.py > astropy_equinox_to_j2000.csv
FK4 (with E-terms) at equinox B1855/B1875/B1900/B1950 and FK5 at J2050, each at the
observation time, transformed to FK5 J2000.
"""
import random
from astropy.coordinates import SkyCoord, FK4, FK5
from astropy.time import Time
import astropy.units as u

random.seed(5)
print("equinox,obs_time_utc,obs_jd_utc,ra_deg,dec_deg,ra_j2000_deg,dec_j2000_deg")
for i in range(40):
    eq = [1855.0, 1875.0, 1900.0, 1950.0, 1950.0, 2050.0][i % 6]
    ra = random.uniform(0, 360)
    dec = random.uniform(-89, 89)
    t = Time(random.uniform(1960, 2030), format="jyear", scale="utc")
    t = Time(t.iso, scale="utc")
    if eq < 2000:
        c = SkyCoord(ra * u.deg, dec * u.deg, frame=FK4(equinox=Time(eq, format="byear"), obstime=t))
    else:
        c = SkyCoord(ra * u.deg, dec * u.deg, frame=FK5(equinox=Time(eq, format="jyear")))
    j = c.transform_to(FK5(equinox="J2000"))
    print(f"{eq},{t.isot},{t.jd:.9f},{ra:.9f},{dec:.9f},{j.ra.deg:.9f},{j.dec.deg:.9f}")
