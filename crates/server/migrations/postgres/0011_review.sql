-- Drawing review and the applicant portal.

-- Changes about a review project reach only the project's readers; a draft reaches only its
-- author.
ALTER TABLE changes ADD COLUMN project_id TEXT;
ALTER TABLE changes ADD COLUMN private_to TEXT;

-- Self-registrations from the portal, waiting for staff to approve them.
CREATE TABLE applicant_registrations (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    phone TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_at_ms BIGINT NOT NULL,
    decided_by TEXT,
    decided_at_ms BIGINT,
    account_id TEXT
);

CREATE UNIQUE INDEX applicant_registrations_pending
    ON applicant_registrations (username) WHERE state = 'pending';

-- The organisation an applicant account acts for.
CREATE TABLE applicants (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    credit_code TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE INDEX applicants_credit_code ON applicants (credit_code);

CREATE TABLE review_projects (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    organisation TEXT NOT NULL,
    registered_at_ms BIGINT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX review_projects_organisation ON review_projects (organisation);

CREATE TABLE review_rounds (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES review_projects (id),
    number BIGINT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (project_id, number)
);

-- Files kept in a round: the blob (never changed) and what intake read from it.
CREATE TABLE review_files (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES review_rounds (id),
    blob TEXT NOT NULL,
    uploaded_at_ms BIGINT NOT NULL,
    removed BIGINT NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);

CREATE INDEX review_files_round ON review_files (round_id);

CREATE TABLE review_sheets (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES review_rounds (id),
    file_id TEXT NOT NULL REFERENCES review_files (id),
    page BIGINT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX review_sheets_round ON review_sheets (round_id, file_id, page);

-- The index sheet's comparison, kept with the round when one was found.
CREATE TABLE review_index_checks (
    round_id TEXT PRIMARY KEY REFERENCES review_rounds (id),
    data TEXT NOT NULL
);

CREATE TABLE review_tasks (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES review_projects (id),
    round_id TEXT NOT NULL REFERENCES review_rounds (id),
    specialty TEXT NOT NULL,
    reviewer_id TEXT,
    data TEXT NOT NULL
);

CREATE INDEX review_tasks_reviewer ON review_tasks (reviewer_id, project_id);

-- Resumable uploads: the bytes that arrived sit in a partial file named by the id until the
-- last one comes; then the file is checked and kept as a blob.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    target TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    state TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    file_id TEXT,
    error TEXT
);
