-- The print log: one row per document a desktop sent to a printer (who, what, when, where,
-- reprint or not), recorded through a command and synced to the printing site's readers.
CREATE TABLE print_log (
    id TEXT PRIMARY KEY,
    template TEXT NOT NULL,
    title TEXT NOT NULL,
    pages INTEGER NOT NULL,
    copies INTEGER NOT NULL,
    printer TEXT NOT NULL,
    tray TEXT,
    overlay INTEGER NOT NULL,
    reprint INTEGER NOT NULL,
    jobs TEXT NOT NULL,
    printed_by TEXT NOT NULL,
    printed_at_ms INTEGER NOT NULL,
    site_id TEXT
);

CREATE INDEX print_log_site_time ON print_log (site_id, printed_at_ms);
