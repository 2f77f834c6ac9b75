-- Angle observations contributed by the member states' nodes and by other observers.
-- `object_key` is the catalog number, 0 for an uncorrelated observation (so that
-- exact duplicates are one unique key on both engines). Times are nanoseconds since
-- 1950-01-01 UTC on 86,400 s days, like element-set epochs.
CREATE TABLE observations (
    id BIGINT PRIMARY KEY,
    station TEXT NOT NULL,
    object_key BIGINT NOT NULL,
    object_id TEXT,
    time_ns BIGINT NOT NULL,
    time_sigma_s DOUBLE PRECISION,
    angle_kind TEXT NOT NULL,
    angle_1_deg DOUBLE PRECISION NOT NULL,
    angle_2_deg DOUBLE PRECISION NOT NULL,
    frame TEXT NOT NULL,
    angle_sigma_deg DOUBLE PRECISION,
    mag DOUBLE PRECISION,
    mag_sigma DOUBLE PRECISION,
    tracklet TEXT,
    owner_org_id BIGINT NOT NULL REFERENCES organisations (id),
    sharing TEXT NOT NULL,
    uploaded_by BIGINT,
    uploaded_us BIGINT NOT NULL,
    upload_format TEXT NOT NULL,
    UNIQUE (station, object_key, time_ns, angle_kind, angle_1_deg, angle_2_deg)
);
CREATE INDEX observations_by_object ON observations (object_key, time_ns);
CREATE INDEX observations_by_station ON observations (station, time_ns);
