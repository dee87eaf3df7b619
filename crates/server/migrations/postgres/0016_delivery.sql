-- Delivering permits to the door (送证上门): runs of stops planned by the officer, and the
-- attempts recorded at the door (kept whole as JSON, with the columns they are found by).
CREATE TABLE delivery_runs (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    day TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX delivery_runs_site_day ON delivery_runs (site_id, day);

CREATE TABLE delivery_stops (
    run_id TEXT NOT NULL,
    permit_id TEXT NOT NULL,
    PRIMARY KEY (run_id, permit_id)
);

CREATE INDEX delivery_stops_permit ON delivery_stops (permit_id);

CREATE TABLE delivery_attempts (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    permit_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    year TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX delivery_attempts_permit ON delivery_attempts (permit_id, at_ms);
CREATE INDEX delivery_attempts_receipts ON delivery_attempts (outcome, year);
