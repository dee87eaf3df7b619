-- The queue: tickets, numbered per service per site per day. The whole ticket is kept as JSON
-- (as the change log sends it); the columns beside it are what the queue is searched by.
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    day TEXT NOT NULL,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    class TEXT NOT NULL,
    queued_at_ms INTEGER NOT NULL,
    called_at_ms INTEGER,
    window_id TEXT,
    data TEXT NOT NULL,
    -- A number is never given twice.
    UNIQUE (site_id, service_id, day, seq)
);

CREATE INDEX tickets_waiting ON tickets (site_id, status, queued_at_ms);
CREATE INDEX tickets_calls ON tickets (site_id, day, called_at_ms);

-- The record an applied command produced (the ticket issued or called), replayed as it was.
ALTER TABLE commands ADD COLUMN record TEXT;
