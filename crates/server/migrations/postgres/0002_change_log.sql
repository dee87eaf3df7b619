-- The change log clients pull from: one row per changed record, in commit order.
-- site_id is the scope (NULL: visible to everyone). Writers hold a transaction-scoped advisory
-- lock from before they take a seq until after their commit is visible, so seqs become visible
-- in order and a reader never moves past a change that commits later.
CREATE TABLE changes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL,
    data TEXT,
    site_id TEXT,
    command_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);

CREATE INDEX changes_entity ON changes (entity, entity_id, seq);
