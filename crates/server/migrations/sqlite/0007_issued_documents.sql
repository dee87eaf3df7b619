-- Documents the authority issued: the claim and the signed payload their QR code carries, and
-- who had them signed, so that an issued document can be looked up (and later revoked).
CREATE TABLE issued_documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    payload TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    signed_at_ms INTEGER NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX issued_documents_number ON issued_documents (kind, number);
