-- 0015: steady intake latency.
-- The duplicate search on intake looks for open reports of the same category within 100 m;
-- the GiST index over every incident made it read each closed report near the point too, more
-- with every day of reports. This index holds the open ones only.
CREATE INDEX incidents_open_geom_idx ON incidents USING gist (geom) WHERE status NOT IN ('closed', 'rejected', 'merged');
-- The description's trigram index is written row by row instead of through GIN's pending
-- list: flushing that list landed on one intake batch at a time as a stall of up to a second
-- (every report waiting behind it); row by row costs a little on every report instead.
ALTER INDEX incidents_description_trgm SET (fastupdate = off);
