-- 0005: what the incident lifecycle needs beyond 0001: who reported it, the responsible
-- team capability (属事), the deadline clock's extensions and the priority raise.
ALTER TABLE incidents
  ADD COLUMN reporter jsonb,
  ADD COLUMN reported_by text,
  ADD COLUMN team_capability text,
  ADD COLUMN raised_by bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN extension_pending_minutes integer CHECK (extension_pending_minutes > 0),
  ADD COLUMN extended_minutes integer NOT NULL DEFAULT 0 CHECK (extended_minutes >= 0),
  ADD COLUMN rework_count integer NOT NULL DEFAULT 0 CHECK (rework_count >= 0),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX incidents_open_category_idx ON incidents (category, reported_at)
  WHERE status NOT IN ('closed', 'rejected', 'merged');
CREATE INDEX incidents_deadline_idx ON incidents (deadline_at)
  WHERE status NOT IN ('resolved', 'verified', 'closed', 'rejected', 'merged');
