-- The 4-digit station number a site reports under in the IOD, UK and RDE formats of
-- the optical satellite-observer community (COSPAR/SeeSat numbering), so that records
-- from those formats are tied to their site. NULL: the site has none.
ALTER TABLE sites ADD COLUMN station_number TEXT;
CREATE UNIQUE INDEX sites_station_number ON sites (station_number);
