-- 0004: trigram indexes for search by name, address, code and description.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX sites_name_trgm ON sites USING gin (name gin_trgm_ops);
CREATE INDEX sites_address_trgm ON sites USING gin (address gin_trgm_ops);
CREATE INDEX teams_name_trgm ON teams USING gin (name gin_trgm_ops);
CREATE INDEX risk_sources_name_trgm ON risk_sources USING gin (name gin_trgm_ops);
CREATE INDEX areas_name_trgm ON areas USING gin (name gin_trgm_ops) WHERE valid_to IS NULL;
CREATE INDEX incidents_description_trgm ON incidents USING gin (description gin_trgm_ops);
CREATE INDEX incidents_site_idx ON incidents (site_id) WHERE site_id IS NOT NULL;
