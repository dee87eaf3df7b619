-- Accounts, sessions, site configuration, the command ledger and the audit log.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    site_id TEXT,
    specialty TEXT,
    password_hash TEXT NOT NULL,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until_ms BIGINT,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES sites (id),
    created_seq BIGINT NOT NULL
);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    prefix TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE matters (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id),
    name TEXT NOT NULL,
    materials TEXT NOT NULL,
    promised_days BIGINT NOT NULL
);

CREATE TABLE windows (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (id),
    number BIGINT NOT NULL,
    UNIQUE (site_id, number)
);

CREATE TABLE window_services (
    window_id TEXT NOT NULL REFERENCES windows (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (window_id, service_id)
);

-- One row per command id: the idempotency ledger.
CREATE TABLE commands (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    status TEXT NOT NULL,
    error TEXT
);

CREATE TABLE audit_log (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    account_id TEXT NOT NULL,
    username TEXT NOT NULL,
    command_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
