-- The blank-form ledger (空白证书台账): the official permit forms each site received, by serial
-- range, and every form used — printed with a permit (first print or reprint) or spoiled, with
-- why. A serial is used once per site: the primary key refuses a second use.
CREATE TABLE permit_form_ranges (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    first_serial BIGINT NOT NULL,
    last_serial BIGINT NOT NULL,
    width BIGINT NOT NULL,
    note TEXT NOT NULL,
    received_by TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL
);

CREATE INDEX permit_form_ranges_site ON permit_form_ranges (site_id, first_serial);

CREATE TABLE permit_forms (
    site_id TEXT NOT NULL,
    serial BIGINT NOT NULL,
    kind TEXT NOT NULL,
    permit_id TEXT,
    reason TEXT,
    print_id TEXT,
    used_by TEXT NOT NULL,
    used_at_ms BIGINT NOT NULL,
    PRIMARY KEY (site_id, serial)
);

CREATE INDEX permit_forms_print ON permit_forms (print_id);
