-- 0006: photos sent with a report (checked to be JPEG, PNG or WebP, at most 2 MB each).
CREATE TABLE incident_photos (
  id           bigserial PRIMARY KEY,
  incident_id  bigint NOT NULL REFERENCES incidents (id),
  seq          smallint NOT NULL CHECK (seq BETWEEN 1 AND 6),
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes        bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 2097152),
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (incident_id, seq)
);
