-- The topology of candidate grid outlines inside their parent village: one row per problem.
--   $1 json    candidates: [{"key": "...", "geometry": <GeoJSON Polygon>}], already valid (ST_IsValid)
--   $2 text    the parent village code
--   $3 text[]  current grids of the village that the candidates replace (left out of the comparison)
--   $4 float8  tolerance in metres: parts narrower than 2 × $4 everywhere are noise, not problems
--   $5 boolean also report the gaps (parts of the village no grid covers)
-- Widths and tolerances are measured in EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E,
-- metres), the conformal projection centred on Dongguan; areas on the spheroid (geography).
WITH cand AS (
  SELECT e->>'key' AS key, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(e->>'geometry'), 4326)) AS g
  FROM json_array_elements($1::json) e
),
parent AS (
  SELECT geom AS g FROM areas WHERE code = $2 AND valid_to IS NULL AND geom IS NOT NULL
),
sib AS (
  SELECT code AS key, geom AS g FROM areas
  WHERE parent_code = $2 AND level = 'grid' AND valid_to IS NULL AND NOT (code = ANY ($3::text[]))
),
-- inside the parent "within tolerance": covered by the parent grown by $4 metres
outside AS (
  SELECT 'outside_parent'::text AS kind, c.key, NULL::text AS other, ST_Difference(c.g, p.g) AS part
  FROM cand c, parent p
  WHERE NOT ST_Covers(ST_Buffer(ST_Transform(p.g, 4547), $4), ST_Transform(c.g, 4547))
),
pairs AS (
  SELECT a.key, b.key AS other, a.g AS ga, b.g AS gb FROM cand a JOIN cand b ON a.key < b.key AND a.g && b.g
  UNION ALL
  SELECT c.key, s.key, c.g, s.g FROM cand c JOIN sib s ON c.g && s.g
),
-- touching edges intersect in lines, which ST_CollectionExtract(…, 3) drops; a sliver
-- narrower than 2 × $4 vanishes under the inward buffer
overlap AS (
  SELECT 'overlap'::text AS kind, pairs.key, pairs.other, x.part
  FROM pairs, LATERAL (SELECT ST_CollectionExtract(ST_Intersection(ga, gb), 3) AS part) x
  WHERE ST_Intersects(ga, gb) AND NOT ST_IsEmpty(x.part)
    AND NOT ST_IsEmpty(ST_Buffer(ST_Transform(x.part, 4547), -$4))
),
covered AS (
  SELECT coalesce(ST_Union(g), 'SRID=4326;POLYGON EMPTY'::geometry) AS g
  FROM (SELECT g FROM cand UNION ALL SELECT g FROM sib) u
),
gap AS (
  SELECT 'gap'::text AS kind, NULL::text AS key, NULL::text AS other, d.geom AS part
  FROM parent p, covered c, LATERAL ST_Dump(ST_CollectionExtract(ST_Difference(p.g, c.g), 3)) d
  WHERE $5::boolean AND NOT ST_IsEmpty(ST_Buffer(ST_Transform(d.geom, 4547), -$4))
)
SELECT kind, key, other, ST_AsGeoJSON(part, 7)::json AS geometry, ST_Area(part::geography) AS area_m2
FROM (SELECT * FROM outside UNION ALL SELECT * FROM overlap UNION ALL SELECT * FROM gap) problems
ORDER BY kind, key, other, area_m2 DESC
