-- Records are stored in the order they first arrived (a rowid table keyed by that seq), with
-- the (kind, id) key in a separate small index. Pulled pages then append to the end of the
-- table instead of scattering large rows across a tree ordered by random UUIDs, which made
-- every page's commit rewrite most of the file.
CREATE TABLE entities_by_position (
    -- The seq at which the record first arrived: keeps the server's order of creation.
    position INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);

INSERT INTO entities_by_position (position, kind, id, version, data)
SELECT position, kind, id, version, data FROM entities;

DROP TABLE entities;

ALTER TABLE entities_by_position RENAME TO entities;

CREATE UNIQUE INDEX entities_key ON entities (kind, id);
