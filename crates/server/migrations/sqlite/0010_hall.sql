-- Per-site fairness policy (JSON; none means the default policy).
ALTER TABLE sites ADD COLUMN policy TEXT;

-- Exceptions to the working week, county-wide: public holidays and swapped working days.
CREATE TABLE calendar_days (
    date TEXT PRIMARY KEY,
    working INTEGER NOT NULL,
    name TEXT NOT NULL
);

-- Whether a window is on a break (暂停), and since when; a window without a row is open.
CREATE TABLE window_states (
    window_id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    data TEXT NOT NULL
);

-- Booked appointments. Checking in issues a ticket that names the appointment, at most once.
CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    day TEXT NOT NULL,
    phone TEXT,
    id_number TEXT,
    code TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX appointments_site_day ON appointments (site_id, day);
CREATE UNIQUE INDEX appointments_code ON appointments (site_id, day, code);

ALTER TABLE tickets ADD COLUMN appointment_id TEXT;
CREATE UNIQUE INDEX tickets_appointment ON tickets (appointment_id);

-- The ticket being served at a window, found by every call at that window.
CREATE INDEX tickets_at_window ON tickets (window_id) WHERE status = 'called';

-- How many times each site's queue was written: a server process keeps the day's queue in
-- memory and reads it again when another process moved it.
CREATE TABLE queue_versions (
    site_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
