-- Possible duplicates of a batch of incidents: open incidents of the same category within
-- 100 m and 24 h of each, inside the asker's scope, nearest first (at most 20 each).
-- $1 incident ids, $2 lon, $3 lat (WGS84), $4 category, $5 reported_at,
-- $6 scope: comma-separated area-code prefixes, NULL for a city-wide scope.
WITH me AS (
  SELECT t.*, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS pt
  FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::text[], $5::timestamptz[], $6::text[])
       WITH ORDINALITY AS t(id, lon, lat, category, reported_at, scope, ord)
)
SELECT me.ord, d.id, d.distance_m, d.reported_at, d.status
FROM me
CROSS JOIN LATERAL (
  SELECT i.id, ST_Distance(i.geom::geography, me.pt::geography) AS distance_m, i.reported_at, i.status
  -- 0.002° ≥ 100 m here: a bbox in the column's SRID (4326), so the GiST index of open incidents (0015) is used.
  -- OFFSET 0 keeps this scan apart: otherwise the planner may prefer the (category,
  -- reported_at) index, which reads every report of a busy category of the day.
  FROM (SELECT * FROM incidents
        WHERE geom && ST_Expand(me.pt, 0.002) AND status NOT IN ('closed', 'rejected', 'merged') OFFSET 0) i
  WHERE i.id <> me.id AND i.category = me.category AND i.status NOT IN ('closed', 'rejected', 'merged')
    AND i.reported_at BETWEEN me.reported_at - interval '24 hours' AND me.reported_at + interval '24 hours'
    AND ST_DWithin(i.geom::geography, me.pt::geography, 100)
    AND (me.scope IS NULL OR EXISTS (
      SELECT 1 FROM unnest(string_to_array(me.scope, ',')) AS p(prefix)
      WHERE coalesce(i.grid_code, i.village_code, i.town_code) LIKE p.prefix || '%'))
  ORDER BY distance_m
  LIMIT 20
) d
ORDER BY me.ord, d.distance_m
