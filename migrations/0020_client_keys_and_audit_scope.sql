-- 0020: idempotency keys belong to their caller; the audit log knows where its target lies.

-- An intake's client key is unique per client, not city-wide: `client_ns` names the client
-- (`user:<id>`, `api_key:<id>`, or `public` for the anonymous citizen channel), so one
-- caller's key can neither swallow nor reveal another caller's report. Keys stored before
-- this migration take the namespace of the actor that reported them (from the audit log),
-- else `legacy`; keys the platform wrote itself (sample history) are the `system`'s.
ALTER TABLE incidents ADD COLUMN client_ns text;
UPDATE incidents i SET client_ns = CASE a.actor_kind
    WHEN 'user' THEN 'user:' || a.actor_id
    WHEN 'api_key' THEN 'api_key:' || a.actor_id
    ELSE 'public' END
  FROM audit_log a
  WHERE i.client_key IS NOT NULL AND a.action = 'incident.report' AND a.target_type = 'incident'
    AND a.target_id = i.id::text;
UPDATE incidents SET client_ns = 'legacy' WHERE client_key IS NOT NULL AND client_ns IS NULL;
UPDATE incidents SET client_ns = 'system' WHERE client_ns IS NULL;
-- rows written by the platform itself (the sample city's history) are the system's
ALTER TABLE incidents ALTER COLUMN client_ns SET DEFAULT 'system', ALTER COLUMN client_ns SET NOT NULL;
ALTER TABLE incidents DROP CONSTRAINT incidents_client_key_key;
CREATE UNIQUE INDEX incidents_client_key ON incidents (client_ns, client_key);

-- What a citizen gets back to follow a report: random, unguessable, only for reports made
-- without an account.
ALTER TABLE incidents ADD COLUMN tracking_code text;
CREATE UNIQUE INDEX incidents_tracking_code ON incidents (tracking_code) WHERE tracking_code IS NOT NULL;

-- The area of an audit record's target (a user's home area, an incident's grid, a team's
-- home area, an area's own code, an import's area), so that an admin of a town sees the
-- records about their town only. Writers may give it; otherwise the trigger looks it up.
ALTER TABLE audit_log ADD COLUMN area_code text;

CREATE FUNCTION audit_log_area_of(target_type text, target_id text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  target bigint;
BEGIN
  IF target_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF target_type = 'area' THEN
    RETURN target_id;
  END IF;
  IF target_id !~ '^[0-9]{1,18}$' THEN
    RETURN NULL;
  END IF;
  target := target_id::bigint;
  RETURN CASE target_type
    WHEN 'user' THEN (SELECT u.home_area_code FROM users u WHERE u.id = target)
    WHEN 'incident' THEN (SELECT coalesce(i.grid_code, i.village_code, i.town_code) FROM incidents i
                          WHERE i.id = target)
    WHEN 'team' THEN (SELECT t.home_area_code FROM teams t WHERE t.id = target)
    WHEN 'api_key' THEN (SELECT k.area_code FROM api_keys k WHERE k.id = target)
    -- an import names its layer as the target type and its id as the target
    WHEN 'sites' THEN (SELECT nullif(m.scope_area, '') FROM imports m WHERE m.id = target)
    WHEN 'components' THEN (SELECT nullif(m.scope_area, '') FROM imports m WHERE m.id = target)
    WHEN 'risk_sources' THEN (SELECT nullif(m.scope_area, '') FROM imports m WHERE m.id = target)
    WHEN 'cameras' THEN (SELECT nullif(m.scope_area, '') FROM imports m WHERE m.id = target)
    WHEN 'teams' THEN (SELECT nullif(m.scope_area, '') FROM imports m WHERE m.id = target)
    WHEN 'areas' THEN (SELECT nullif(m.scope_area, '') FROM imports m WHERE m.id = target)
    ELSE NULL END;
END $$;

CREATE FUNCTION audit_log_set_area() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.area_code IS NULL THEN
    NEW.area_code := audit_log_area_of(NEW.target_type, NEW.target_id);
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER audit_log_area BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_set_area();

-- the records made before this migration, once (the table is otherwise append-only)
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
UPDATE audit_log SET area_code = audit_log_area_of(target_type, target_id) WHERE area_code IS NULL;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;

CREATE INDEX audit_log_area_idx ON audit_log (area_code text_pattern_ops, id DESC);
