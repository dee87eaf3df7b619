-- The change log clients pull from: one row per changed record, in commit order.
-- site_id is the scope (NULL: visible to everyone).
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL,
    data TEXT,
    site_id TEXT,
    command_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);

CREATE INDEX changes_entity ON changes (entity, entity_id, seq);
