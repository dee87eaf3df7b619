-- Supervisor statistics read the moments of every ticket and the trip of every case of a site
-- over a range of days. Until now these lived only in the JSON `data`; kept as columns they are
-- read without parsing each row's JSON, and the index below answers the whole read by itself.
ALTER TABLE tickets ADD COLUMN finished_at_ms BIGINT;
ALTER TABLE tickets ADD COLUMN called_by TEXT;
UPDATE tickets SET finished_at_ms = (data::jsonb ->> 'finished_at_ms')::BIGINT,
                   called_by = data::jsonb ->> 'called_by';

-- Every case is written with its trip; the default only fills the rows already there, which
-- the update then corrects from their JSON.
ALTER TABLE cases ADD COLUMN trip BIGINT NOT NULL DEFAULT 1;
UPDATE cases SET trip = (data::jsonb ->> 'trip')::BIGINT;

CREATE INDEX tickets_stats ON tickets (site_id, day, service_id, status, window_id, called_by,
                                       queued_at_ms, called_at_ms, finished_at_ms);
