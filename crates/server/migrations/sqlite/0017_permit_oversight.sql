-- Oversight of drainage permits. Maker and checker (审核与复核分离): a site may require a second
-- officer to confirm each batch and void. Until confirmed, a batch numbers nothing and a void
-- changes nothing; the check waits here, kept whole as JSON with the columns it is found by.
ALTER TABLE sites ADD COLUMN permit_second_officer BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE permit_checks (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    state TEXT NOT NULL,
    made_at_ms BIGINT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX permit_checks_site_state ON permit_checks (site_id, state, made_at_ms);

-- Renewal reminders sent (the letters printed), one a day at most per permit: the latest one
-- tells whether the reminder due now went out.
CREATE TABLE permit_reminders (
    permit_id TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    stage BIGINT NOT NULL,
    sent_by TEXT NOT NULL,
    sent_at_ms BIGINT NOT NULL,
    PRIMARY KEY (permit_id, sent_on)
);

-- What the statistics find permits and their window cases by.
ALTER TABLE permits ADD COLUMN issued_on TEXT;
UPDATE permits SET issued_on = json_extract(data, '$.issued_on');
CREATE INDEX permits_issued ON permits (site_id, issued_on);
ALTER TABLE permit_applications ADD COLUMN case_id TEXT;
UPDATE permit_applications SET case_id = json_extract(data, '$.case_id');
