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

CREATE FUNCTION live_event(kind text, entity_id text, op text, area_code text, data jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- a bulk load (the sample city) is not news
  IF coalesce(current_setting('riskmap.bulk_load', true), '') = 'on' THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(7270011);
  INSERT INTO live_events (seq, kind, entity_id, op, area_code, data)
  VALUES (nextval('live_events_seq'), kind, entity_id, op, area_code, data);
  -- identical notifications of one transaction are delivered once
  PERFORM pg_notify('live', '');
END $$;

CREATE FUNCTION live_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM live_event('incident', NEW.id::text, lower(TG_OP), coalesce(NEW.grid_code, NEW.village_code, NEW.town_code),
    jsonb_build_object('status', NEW.status, 'priority', NEW.priority, 'category', NEW.category,
      'lon', ST_X(NEW.geom), 'lat', ST_Y(NEW.geom), 'townCode', NEW.town_code, 'gridCode', NEW.grid_code,
      'reportedAt', NEW.reported_at, 'deadlineAt', NEW.deadline_at, 'channel', NEW.channel));
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_live AFTER INSERT OR UPDATE ON incidents FOR EACH ROW EXECUTE FUNCTION live_incident();

CREATE FUNCTION live_team() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM live_event('team', NEW.id::text, lower(TG_OP), NEW.home_area_code,
    jsonb_build_object('status', NEW.status, 'onDuty', NEW.on_duty, 'kind', NEW.kind, 'name', NEW.name,
      'lon', ST_X(NEW.geom), 'lat', ST_Y(NEW.geom), 'positionAt', NEW.position_at));
  RETURN NULL;
END $$;
CREATE TRIGGER teams_live AFTER INSERT OR UPDATE ON teams FOR EACH ROW EXECUTE FUNCTION live_team();

CREATE FUNCTION live_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM live_event('dispatch', NEW.id::text, lower(TG_OP),
    (SELECT coalesce(i.grid_code, i.village_code, i.town_code) FROM incidents i WHERE i.id = NEW.incident_id),
    jsonb_build_object('incidentId', NEW.incident_id, 'teamId', NEW.team_id, 'status', NEW.status,
      'createdBy', NEW.created_by, 'travelTimeS', NEW.travel_time_s));
  RETURN NULL;
END $$;
CREATE TRIGGER dispatches_live AFTER INSERT OR UPDATE ON dispatches FOR EACH ROW EXECUTE FUNCTION live_dispatch();

CREATE FUNCTION live_risk_source() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r risk_sources;
BEGIN
  r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  PERFORM live_event('risk_source', r.id::text, lower(TG_OP), coalesce(r.grid_code, r.village_code, r.town_code),
    jsonb_build_object('name', r.name, 'kind', r.kind, 'level', r.level, 'radiusM', r.impact_radius_m,
      'lon', ST_X(ST_PointOnSurface(r.geom)), 'lat', ST_Y(ST_PointOnSurface(r.geom))));
  RETURN NULL;
END $$;
CREATE TRIGGER risk_sources_live AFTER INSERT OR UPDATE OR DELETE ON risk_sources FOR EACH ROW EXECUTE FUNCTION live_risk_source();

CREATE FUNCTION live_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM live_event('area', NEW.id::text, lower(TG_OP), NEW.code,
    jsonb_build_object('code', NEW.code, 'level', NEW.level, 'name', NEW.name, 'version', NEW.version,
      'validFrom', NEW.valid_from, 'validTo', NEW.valid_to));
  RETURN NULL;
END $$;
CREATE TRIGGER areas_live AFTER INSERT OR UPDATE ON areas FOR EACH ROW EXECUTE FUNCTION live_area();
