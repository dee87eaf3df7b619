-- The desktop's local cache: a replica of what its user may see, the sync cursor, and the
-- outbox of commands not yet acknowledged by the server.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE entities (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- The seq at which the record first arrived: keeps the server's order of creation.
    position INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    command TEXT NOT NULL,
    state TEXT NOT NULL,
    status TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    last_attempt_ms INTEGER
);
