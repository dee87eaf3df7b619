-- Drainage permits (排水许可): applications from the window or the portal, the permits batch
-- approval issues, each authority's next number per year, the industries' condition templates
-- as admins edited them, and the spot checks pledges create. Each row keeps its record as JSON
-- beside the columns it is found by.
CREATE TABLE permit_applications (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    organisation TEXT,
    state TEXT NOT NULL,
    industry TEXT NOT NULL,
    town TEXT NOT NULL,
    discharger_key TEXT NOT NULL,
    submitted_at_ms BIGINT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX permit_applications_cohort ON permit_applications (site_id, state, industry, town);
CREATE INDEX permit_applications_discharger ON permit_applications (discharger_key);
CREATE INDEX permit_applications_organisation ON permit_applications (organisation, submitted_at_ms);

CREATE TABLE permit_numbers (
    prefix TEXT NOT NULL,
    year BIGINT NOT NULL,
    next_seq BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE permits (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL UNIQUE REFERENCES permit_applications (id),
    site_id TEXT NOT NULL,
    prefix TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (prefix, year, seq)
);

CREATE INDEX permits_site ON permits (site_id, state, expires_on);

CREATE TABLE permit_templates (
    industry TEXT PRIMARY KEY,
    updated_at_ms BIGINT NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE permit_spot_checks (
    id TEXT PRIMARY KEY,
    permit_id TEXT NOT NULL REFERENCES permits (id),
    material TEXT NOT NULL,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX permit_spot_checks_due ON permit_spot_checks (state, due_on);
