-- Review opinions: drafts (seen by their reviewer only) until the lead releases the round.
CREATE TABLE review_opinions (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES review_projects (id),
    round_id TEXT NOT NULL REFERENCES review_rounds (id),
    specialty TEXT NOT NULL,
    raised_in BIGINT NOT NULL,
    author_id TEXT NOT NULL,
    state TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX review_opinions_project ON review_opinions (project_id, round_id);
