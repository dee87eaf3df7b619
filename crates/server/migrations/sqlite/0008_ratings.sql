-- Ratings (好差评): at most one per ticket. The whole rating, with the follow-up a bad rating
-- opens, is kept as JSON (as the change log sends it); the columns beside it are what ratings
-- are searched by. follow_up is 'open' or 'closed' for a bad rating, NULL otherwise.
CREATE TABLE ratings (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL UNIQUE,
    site_id TEXT NOT NULL,
    window_id TEXT NOT NULL,
    day TEXT NOT NULL,
    score INTEGER NOT NULL,
    follow_up TEXT,
    rated_at_ms INTEGER NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX ratings_site_day ON ratings (site_id, day);
CREATE INDEX ratings_follow_up ON ratings (follow_up, site_id);

-- The rating pad asks for the latest finished ticket at its window.
CREATE INDEX tickets_window ON tickets (window_id, day, status, called_at_ms);
