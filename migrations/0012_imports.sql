-- 0012: file imports. An import is uploaded, mapped by the user, then read, checked and
-- written in one transaction; every feature it writes carries its id, so it can be undone.

CREATE TABLE imports (
  id                bigserial PRIMARY KEY,
  layer             text NOT NULL CHECK (layer IN ('sites', 'components', 'risk_sources', 'cameras', 'teams', 'areas')),
  format            text NOT NULL CHECK (format IN ('geojson', 'csv', 'shapefile', 'kml')),
  filename          text NOT NULL,
  size_bytes        bigint NOT NULL CHECK (size_bytes >= 0),
  -- the uploaded file, relative to the data directory's imports folder
  stored_name       text NOT NULL,
  status            text NOT NULL DEFAULT 'uploaded' CHECK (status IN
                      ('uploaded', 'running', 'applied', 'rejected', 'failed', 'cancelled', 'undone')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  created_by        text NOT NULL,
  -- the scope the import runs in: users may import only inside their own area
  scope_area        text NOT NULL,
  finished_at       timestamptz,
  preview           jsonb NOT NULL,
  options           jsonb,
  progress          jsonb NOT NULL DEFAULT '{"phase":null,"bytesRead":0,"totalBytes":0,"rowsRead":0,"accepted":0,"rejected":0}',
  inserted          integer NOT NULL DEFAULT 0 CHECK (inserted >= 0),
  rejected_count    integer NOT NULL DEFAULT 0 CHECK (rejected_count >= 0),
  error             text
);
CREATE INDEX imports_created_idx ON imports (created_at DESC);

-- Every refused row, with the reason; the source values are read again from the stored
-- file when the rejections are downloaded.
CREATE TABLE import_rejections (
  import_id bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  row       integer NOT NULL CHECK (row >= 1),
  reason    text NOT NULL,
  field     text,
  message   text NOT NULL,
  PRIMARY KEY (import_id, row)
);

ALTER TABLE sites ADD COLUMN import_id bigint REFERENCES imports (id);
ALTER TABLE components ADD COLUMN import_id bigint REFERENCES imports (id);
ALTER TABLE risk_sources ADD COLUMN import_id bigint REFERENCES imports (id);
ALTER TABLE cameras ADD COLUMN import_id bigint REFERENCES imports (id);
ALTER TABLE teams ADD COLUMN import_id bigint REFERENCES imports (id);
ALTER TABLE areas ADD COLUMN import_id bigint REFERENCES imports (id);
CREATE INDEX sites_import_idx ON sites (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX components_import_idx ON components (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX risk_sources_import_idx ON risk_sources (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX cameras_import_idx ON cameras (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX teams_import_idx ON teams (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX areas_import_idx ON areas (import_id) WHERE import_id IS NOT NULL;
