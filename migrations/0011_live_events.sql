-- 0011: the live event log behind /api/live (DESIGN.md §6). Every change to incidents,
-- dispatches, teams, risk sources and areas is written, in the same transaction, as an
-- event with a strictly increasing sequence number; committing wakes every API process
-- through NOTIFY 'live'. Writers take one lock from their first event to their commit,
-- so events become visible in sequence order: a reader that has seen event N has seen
-- every event before N, and a client resuming after N misses nothing and gets nothing twice.
CREATE SEQUENCE live_events_seq;
CREATE TABLE live_events (
  seq       bigint PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  kind      text NOT NULL CHECK (kind IN ('incident', 'dispatch', 'team', 'risk_source', 'area')),
  entity_id text NOT NULL,
  op        text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  -- who may see it: clients see events whose area lies in their scope
  area_code text,
  data      jsonb NOT NULL
);
CREATE INDEX live_events_at_idx ON live_events (at);

-- Statement-level triggers: one set-based insert per statement (a batch of 200 reports
-- writes its 200 events in one go). live_begin takes the lock and wakes the listeners; it
-- says no during a bulk load (the sample city is not news) and for a statement that
-- changed nothing.
CREATE FUNCTION live_begin(changed boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT changed OR coalesce(current_setting('riskmap.bulk_load', true), '') = 'on' THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(7270011);
  -- identical notifications of one transaction are delivered once
  PERFORM pg_notify('live', '');
  RETURN true;
END $$;

CREATE FUNCTION live_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF live_begin(EXISTS (SELECT 1 FROM new_rows)) THEN
    INSERT INTO live_events (seq, kind, entity_id, op, area_code, data)
    SELECT nextval('live_events_seq'), 'incident', n.id::text, lower(TG_OP),
           coalesce(n.grid_code, n.village_code, n.town_code),
           jsonb_build_object('status', n.status, 'priority', n.priority, 'category', n.category,
             'lon', ST_X(n.geom), 'lat', ST_Y(n.geom), 'townCode', n.town_code, 'gridCode', n.grid_code,
             'reportedAt', n.reported_at, 'deadlineAt', n.deadline_at, 'channel', n.channel)
    FROM (SELECT * FROM new_rows ORDER BY id) n;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_live_ins AFTER INSERT ON incidents REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_incidents();
CREATE TRIGGER incidents_live_upd AFTER UPDATE ON incidents REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_incidents();

CREATE FUNCTION live_teams() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF live_begin(EXISTS (SELECT 1 FROM new_rows)) THEN
    INSERT INTO live_events (seq, kind, entity_id, op, area_code, data)
    SELECT nextval('live_events_seq'), 'team', n.id::text, lower(TG_OP), n.home_area_code,
           jsonb_build_object('status', n.status, 'onDuty', n.on_duty, 'kind', n.kind, 'name', n.name,
             'lon', ST_X(n.geom), 'lat', ST_Y(n.geom), 'positionAt', n.position_at)
    FROM (SELECT * FROM new_rows ORDER BY id) n;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER teams_live_ins AFTER INSERT ON teams REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_teams();
CREATE TRIGGER teams_live_upd AFTER UPDATE ON teams REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_teams();

CREATE FUNCTION live_dispatches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF live_begin(EXISTS (SELECT 1 FROM new_rows)) THEN
    INSERT INTO live_events (seq, kind, entity_id, op, area_code, data)
    SELECT nextval('live_events_seq'), 'dispatch', n.id::text, lower(TG_OP),
           coalesce(i.grid_code, i.village_code, i.town_code),
           jsonb_build_object('incidentId', n.incident_id, 'teamId', n.team_id, 'status', n.status,
             'createdBy', n.created_by, 'travelTimeS', n.travel_time_s)
    FROM (SELECT * FROM new_rows ORDER BY id) n JOIN incidents i ON i.id = n.incident_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dispatches_live_ins AFTER INSERT ON dispatches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_dispatches();
CREATE TRIGGER dispatches_live_upd AFTER UPDATE ON dispatches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_dispatches();

CREATE FUNCTION live_risk_sources() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF live_begin(EXISTS (SELECT 1 FROM old_rows)) THEN
      INSERT INTO live_events (seq, kind, entity_id, op, area_code, data)
      SELECT nextval('live_events_seq'), 'risk_source', r.id::text, 'delete',
             coalesce(r.grid_code, r.village_code, r.town_code),
             jsonb_build_object('name', r.name, 'kind', r.kind, 'level', r.level, 'radiusM', r.impact_radius_m,
               'lon', ST_X(ST_PointOnSurface(r.geom)), 'lat', ST_Y(ST_PointOnSurface(r.geom)))
      FROM (SELECT * FROM old_rows ORDER BY id) r;
    END IF;
  ELSIF live_begin(EXISTS (SELECT 1 FROM new_rows)) THEN
    INSERT INTO live_events (seq, kind, entity_id, op, area_code, data)
    SELECT nextval('live_events_seq'), 'risk_source', r.id::text, lower(TG_OP),
           coalesce(r.grid_code, r.village_code, r.town_code),
           jsonb_build_object('name', r.name, 'kind', r.kind, 'level', r.level, 'radiusM', r.impact_radius_m,
             'lon', ST_X(ST_PointOnSurface(r.geom)), 'lat', ST_Y(ST_PointOnSurface(r.geom)))
    FROM (SELECT * FROM new_rows ORDER BY id) r;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER risk_sources_live_ins AFTER INSERT ON risk_sources REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_risk_sources();
CREATE TRIGGER risk_sources_live_upd AFTER UPDATE ON risk_sources REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_risk_sources();
CREATE TRIGGER risk_sources_live_del AFTER DELETE ON risk_sources REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_risk_sources();

CREATE FUNCTION live_areas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF live_begin(EXISTS (SELECT 1 FROM new_rows)) THEN
    INSERT INTO live_events (seq, kind, entity_id, op, area_code, data)
    SELECT nextval('live_events_seq'), 'area', n.id::text, lower(TG_OP), n.code,
           jsonb_build_object('code', n.code, 'level', n.level, 'name', n.name, 'version', n.version,
             'validFrom', n.valid_from, 'validTo', n.valid_to)
    FROM (SELECT * FROM new_rows ORDER BY id) n;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER areas_live_ins AFTER INSERT ON areas REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_areas();
CREATE TRIGGER areas_live_upd AFTER UPDATE ON areas REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION live_areas();
