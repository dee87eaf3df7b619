-- Cases (一窗受理): a window's decision on an applicant's matter. The whole case is kept as
-- JSON; the columns beside it count trips and number the day's receipts and notices.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    day TEXT NOT NULL,
    applicant TEXT NOT NULL,
    matter_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    decided_at_ms INTEGER NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX cases_applicant ON cases (applicant, matter_id);
CREATE INDEX cases_site_day ON cases (site_id, day);
