-- Counts changes to the site configuration, so that a server process keeps the configuration
-- in memory and reads it again only after a change (by any process).
CREATE TABLE config_version (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL
);

INSERT INTO config_version (id, version) VALUES (1, 0);
