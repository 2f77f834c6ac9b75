-- A counter raised by every write that changes what the catalog endpoints answer
-- (element sets, objects, markings), in the same transaction. Servers compare it
-- with the version of a rendered answer they keep, so a cache in one process never
-- serves what another process has changed since.
INSERT INTO meta (key, value) VALUES ('catalog_version', '0');
