-- The print log: one row per document a desktop sent to a printer (who, what, when, where,
-- reprint or not), recorded through a command and synced to the printing site's readers.
CREATE TABLE print_log (
    id TEXT PRIMARY KEY,
    template TEXT NOT NULL,
    title TEXT NOT NULL,
    pages BIGINT NOT NULL,
    copies BIGINT NOT NULL,
    printer TEXT NOT NULL,
    tray TEXT,
    overlay BOOLEAN NOT NULL,
    reprint BOOLEAN NOT NULL,
    jobs TEXT NOT NULL,
    printed_by TEXT NOT NULL,
    printed_at_ms BIGINT NOT NULL,
    site_id TEXT
);

CREATE INDEX print_log_site_time ON print_log (site_id, printed_at_ms);
