-- The network's nightly plans as published: one JSON document per node and night
-- (`night` is the local evening's date, 'YYYY-MM-DD'), versioned from 1 per (site,
-- night); a new version never replaces an older one. `created_us` is µs since 1970 UTC,
-- `created_by` the publishing user's name.
CREATE TABLE plans (
    id BIGINT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (id),
    night TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_us BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    document TEXT NOT NULL,
    UNIQUE (site_id, night, version)
);
