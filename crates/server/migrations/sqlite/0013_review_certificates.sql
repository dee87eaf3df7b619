-- Review certificates (审查合格书), numbered per year; and withdrawn documents, so that
-- /verify reports a revoked or superseded document as such.
CREATE TABLE review_certificates (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES review_projects (id),
    year BIGINT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    issued_at_ms BIGINT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX review_certificates_project ON review_certificates (project_id, issued_at_ms);

ALTER TABLE issued_documents ADD COLUMN withdrawn_on TEXT;
ALTER TABLE issued_documents ADD COLUMN withdrawn_reason_zh TEXT;
ALTER TABLE issued_documents ADD COLUMN withdrawn_reason_en TEXT;
