-- Intake of a batch of reports in one statement (one round trip, one commit, one run of
-- the statement-level tile-cell triggers). Each input row is routed to the smallest area
-- whose version was valid at its report time (a point on a shared boundary goes to the
-- lower code, and the grid's code names its village and town), checked against the
-- reporter's scope, matched against the impact zones of risk sources (priority raised
-- inside a level-1/2 zone), and stored with its first timeline entry, audit record and
-- notification, and the possible duplicates are listed. A client key that the same client
-- (namespace) already stored inserts nothing (ON CONFLICT).
--
-- $1 client_key, $2 category, $3 channel, $4 description, $5 lon, $6 lat (WGS84),
-- $7 reported_at, $8 deadline_at, $9 default priority, $10 team capability, $11 site id,
-- $12 reporter (JSON text), $13 actor id, $14 actor name, $15 actor kind,
-- $16 scope: comma-separated area-code prefixes, NULL for a city-wide scope,
-- $17 client namespace (whose key it is), $18 tracking code (citizens' reports, else NULL).
-- One output row per input row, in input order.
WITH input AS (
  SELECT t.*, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS pt
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[],
              $7::timestamptz[], $8::timestamptz[], $9::int[], $10::text[], $11::bigint[], $12::text[],
              $13::bigint[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
       WITH ORDINALITY AS t(client_key, category, channel, description, lon, lat,
                            reported_at, deadline_at, default_priority, team_capability, site_id, reporter,
                            actor_id, actor_name, actor_kind, scope, client_ns, tracking_code, ord)
),
routed AS (
  SELECT i.*, g.grid,
         coalesce(left(g.grid, 12), a.village) AS village_code,
         coalesce(left(coalesce(left(g.grid, 12), a.village), 9), a.town) AS town_code
  FROM input i
  -- the grid first: its outline is small, and its code names its village and town, so the
  -- large village and town outlines are tested only for a point in no grid
  -- (`geom && pt` lets the GiST index on areas.geom, EPSG:4326 like the point, pick the candidates)
  CROSS JOIN LATERAL (
    SELECT min(code) AS grid
    FROM areas
    WHERE geom && i.pt AND ST_Intersects(geom, i.pt) AND level = 'grid'
      AND valid_from <= i.reported_at AND (valid_to IS NULL OR valid_to > i.reported_at)
  ) g
  LEFT JOIN LATERAL (
    SELECT min(code) FILTER (WHERE level = 'village') AS village,
           min(code) FILTER (WHERE level = 'town') AS town
    FROM areas
    WHERE g.grid IS NULL
      AND geom && i.pt AND ST_Intersects(geom, i.pt) AND level IN ('town', 'village')
      AND valid_from <= i.reported_at AND (valid_to IS NULL OR valid_to > i.reported_at)
  ) a ON TRUE
),
risked AS (
  SELECT r.*, h.hits, h.severe
  FROM routed r
  CROSS JOIN LATERAL (
    -- each zone's bbox, expanded by its radius in degrees (≥ the radius in metres at this
    -- latitude), is GiST-indexed (0007); the exact test is on geography, in metres
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name, 'level', s.level)
                              ORDER BY s.level, s.id), '[]'::jsonb) AS hits,
           coalesce(array_agg(s.id ORDER BY s.level, s.id) FILTER (WHERE s.level <= 2), '{}'::bigint[]) AS severe
    FROM risk_sources s
    WHERE ST_Expand(s.geom, s.impact_radius_m / 100000.0) && r.pt
      AND ST_DWithin(s.geom::geography, r.pt::geography, s.impact_radius_m)
  ) h
),
allowed AS (
  SELECT * FROM risked
  WHERE town_code IS NOT NULL
    AND (scope IS NULL OR EXISTS (
      SELECT 1 FROM unnest(string_to_array(scope, ',')) AS p(prefix)
      WHERE coalesce(grid, village_code, town_code) LIKE p.prefix || '%'))
),
ins AS (
  INSERT INTO incidents (client_ns, client_key, category, channel, description, status, priority, reported_at,
                         deadline_at, town_code, village_code, grid_code, site_id, reporter, reported_by,
                         team_capability, raised_by, tracking_code, lead_unit_id, geom)
  SELECT client_ns, client_key, category, channel, description, 'reported',
         CASE WHEN cardinality(severe) > 0 THEN greatest(1, default_priority - 1) ELSE default_priority END,
         reported_at, deadline_at, town_code, village_code, grid, site_id, reporter::jsonb, actor_name,
         team_capability, severe, tracking_code,
         -- 归口: the town's unit of the category's lead department, else its 综治中心 (0021)
         (SELECT u.id FROM units u
          WHERE u.area_code = allowed.town_code
            AND u.department_code = coalesce((SELECT l.department_code FROM category_leads l
                                              WHERE l.category_code = allowed.category), 'zongzhi')),
         pt
  FROM allowed
  ORDER BY ord
  ON CONFLICT (client_ns, client_key) DO NOTHING
  RETURNING id, client_ns, client_key, tracking_code, category, channel, description, status, priority, reported_at, deadline_at, closed_at,
            town_code, village_code, grid_code, team_capability, raised_by, extension_pending_minutes,
            extended_minutes, rework_count, merged_into, site_id, reported_by, lead_unit_id, geom
),
-- Possible duplicates: open incidents of the same category within 100 m and 24 h, inside
-- the reporter's scope, nearest first (at most 20). Stored ones come from the table; the
-- other reports of this batch, which the statement's snapshot cannot see, from `ins`.
duplicates AS (
  SELECT a.client_ns, a.client_key,
         jsonb_agg(jsonb_build_object('id', d.id, 'distance_m', d.distance_m, 'reported_at', d.reported_at,
                                      'status', d.status) ORDER BY d.distance_m) AS list
  FROM allowed a
  CROSS JOIN LATERAL (
    SELECT * FROM (
      SELECT i.id, ST_Distance(i.geom::geography, a.pt::geography) AS distance_m, i.reported_at, i.status,
             coalesce(i.grid_code, i.village_code, i.town_code) AS area_code
      -- 0.002° ≥ 100 m here: a bbox in the column's SRID (4326), so the GiST index of open incidents (0015) is used.
      -- OFFSET 0 keeps this scan apart: otherwise the planner may prefer the (category,
      -- reported_at) index, which reads every report of a busy category of the day.
      FROM (SELECT * FROM incidents
            WHERE geom && ST_Expand(a.pt, 0.002) AND status NOT IN ('closed', 'rejected', 'merged') OFFSET 0) i
      WHERE i.category = a.category AND i.status NOT IN ('closed', 'rejected', 'merged')
        AND i.reported_at BETWEEN a.reported_at - interval '24 hours' AND a.reported_at + interval '24 hours'
        AND ST_DWithin(i.geom::geography, a.pt::geography, 100)
      UNION ALL
      SELECT b.id, ST_Distance(b.geom::geography, a.pt::geography), b.reported_at, b.status,
             coalesce(b.grid_code, b.village_code, b.town_code)
      FROM ins b
      WHERE (b.client_ns, b.client_key) <> (a.client_ns, a.client_key) AND b.category = a.category
        AND b.reported_at BETWEEN a.reported_at - interval '24 hours' AND a.reported_at + interval '24 hours'
        AND ST_DWithin(b.geom::geography, a.pt::geography, 100)
    ) near
    WHERE a.scope IS NULL OR EXISTS (
      SELECT 1 FROM unnest(string_to_array(a.scope, ',')) AS p(prefix) WHERE near.area_code LIKE p.prefix || '%')
    ORDER BY near.distance_m
    LIMIT 20
  ) d
  GROUP BY a.client_ns, a.client_key
),
timeline AS (
  INSERT INTO incident_events (incident_id, actor, action, to_status, to_unit_id, note)
  SELECT ins.id, a.actor_name, 'report', 'reported', ins.lead_unit_id,
         a.channel || CASE WHEN jsonb_array_length(a.hits) > 0
           THEN '; inside the impact zone of risk source(s) ' ||
                (SELECT string_agg(x ->> 'id', ', ') FROM jsonb_array_elements(a.hits) AS x)
           ELSE '' END
  FROM ins JOIN allowed a USING (client_ns, client_key)
),
audit AS (
  -- the area is given: the audit trigger could not see this statement's new incident
  INSERT INTO audit_log (actor_id, actor_name, actor_kind, action, target_type, target_id, after, area_code)
  SELECT a.actor_id, a.actor_name, a.actor_kind, 'incident.report', 'incident', ins.id::text,
         jsonb_build_object('category', a.category, 'priority', ins.priority, 'gridCode', a.grid, 'channel', a.channel),
         coalesce(ins.grid_code, ins.village_code, ins.town_code)
  FROM ins JOIN allowed a USING (client_ns, client_key)
),
notified AS (
  SELECT count(pg_notify('incidents', json_build_object('id', id, 'op', 'report')::text)) AS n FROM ins
)
SELECT r.ord, r.town_code AS routed_town, r.village_code AS routed_village, r.grid AS routed_grid, r.hits,
       (SELECT n FROM notified) AS notified, coalesce(d.list, '[]'::jsonb) AS duplicates,
       ins.id, ins.client_key, ins.tracking_code, ins.category, ins.channel, ins.description, ins.status, ins.priority, ins.reported_at,
       ins.deadline_at, ins.closed_at, ins.town_code, ins.village_code, ins.grid_code, ins.team_capability,
       ins.raised_by, ins.extension_pending_minutes, ins.extended_minutes, ins.rework_count, ins.merged_into,
       ins.site_id, ins.reported_by, ins.lead_unit_id, lu.name AS lead_unit_name, lu.department_code AS lead_department
FROM risked r
LEFT JOIN ins USING (client_ns, client_key)
LEFT JOIN units lu ON lu.id = ins.lead_unit_id
LEFT JOIN duplicates d USING (client_ns, client_key)
ORDER BY r.ord
