-- Tracking requests: a member state asks the network to observe objects (catalog
-- numbers, a JSON array of integers in `norad_ids`) within a window (`from_us`..`to_us`,
-- µs since 1970 UTC), on `nights` nights with `tracklets_per_night` tracklets each, at a
-- priority of 1..10 (10 most urgent); the results are shared at `sharing`. Cancelling
-- keeps the row: `status` becomes 'cancelled' and `cancelled_us` is set.
CREATE TABLE tracking_requests (
    id BIGINT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_us BIGINT NOT NULL,
    norad_ids TEXT NOT NULL,
    from_us BIGINT NOT NULL,
    to_us BIGINT NOT NULL,
    priority BIGINT NOT NULL,
    tracklets_per_night BIGINT NOT NULL,
    nights BIGINT NOT NULL,
    sharing TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    cancelled_us BIGINT
);
CREATE INDEX tracking_requests_by_window ON tracking_requests (status, from_us, to_us);
CREATE INDEX tracking_requests_by_creation ON tracking_requests (created_us, id);
