-- The platform's schema. One file serves SQLite and PostgreSQL: only types and
-- statements both accept (BIGINT, DOUBLE PRECISION, TEXT; ids made by the
-- application, so no SERIAL/AUTOINCREMENT). Times are BIGINT microseconds since
-- 1970-01-01 UTC (`*_us`); element-set epochs are nanoseconds since
-- 1950-01-01 UTC on 86,400 s days (`epoch_ns`, as `aposos_formats::Epoch`).

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    country TEXT,
    satcat_owner TEXT,
    created_us BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    created_us BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_us BIGINT NOT NULL,
    expires_us BIGINT NOT NULL,
    revoked_us BIGINT
);

CREATE TABLE objects (
    norad BIGINT PRIMARY KEY,
    object_id TEXT,
    name TEXT,
    object_type TEXT NOT NULL,
    owner_code TEXT,
    launch_site TEXT,
    launch_date TEXT,
    decay_date TEXT,
    orbit_class TEXT,
    rcs_m2 DOUBLE PRECISION,
    size_m DOUBLE PRECISION,
    std_mag DOUBLE PRECISION,
    consortium_only BIGINT NOT NULL DEFAULT 0,
    updated_us BIGINT NOT NULL
);
CREATE INDEX objects_owner ON objects (owner_code);

CREATE TABLE element_sets (
    id BIGINT PRIMARY KEY,
    norad BIGINT NOT NULL,
    epoch_ns BIGINT NOT NULL,
    source_org_id BIGINT NOT NULL REFERENCES organisations (id),
    sharing TEXT NOT NULL,
    precise BIGINT NOT NULL,
    object_name TEXT,
    object_id TEXT,
    classification TEXT NOT NULL,
    mean_motion_rev_per_day DOUBLE PRECISION NOT NULL,
    eccentricity DOUBLE PRECISION NOT NULL,
    inclination_deg DOUBLE PRECISION NOT NULL,
    raan_deg DOUBLE PRECISION NOT NULL,
    arg_of_pericenter_deg DOUBLE PRECISION NOT NULL,
    mean_anomaly_deg DOUBLE PRECISION NOT NULL,
    ephemeris_type BIGINT NOT NULL,
    element_set_no BIGINT NOT NULL,
    rev_at_epoch BIGINT NOT NULL,
    bstar_per_earth_radii DOUBLE PRECISION NOT NULL,
    mean_motion_dot DOUBLE PRECISION NOT NULL,
    mean_motion_ddot DOUBLE PRECISION NOT NULL,
    omm_meta TEXT NOT NULL,
    uploaded_by BIGINT,
    uploaded_us BIGINT NOT NULL,
    upload_format TEXT NOT NULL,
    UNIQUE (norad, epoch_ns, source_org_id)
);
CREATE INDEX element_sets_by_object ON element_sets (norad, epoch_ns);

CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    lat_deg DOUBLE PRECISION NOT NULL,
    lon_deg DOUBLE PRECISION NOT NULL,
    height_m DOUBLE PRECISION NOT NULL,
    telescope TEXT NOT NULL,
    horizon_mask TEXT NOT NULL,
    updated_us BIGINT NOT NULL,
    updated_by BIGINT
);

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at_us BIGINT NOT NULL,
    user_id BIGINT,
    user_name TEXT,
    org_id BIGINT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    remote_addr TEXT,
    detail TEXT
);
CREATE INDEX audit_log_at ON audit_log (at_us, id);
