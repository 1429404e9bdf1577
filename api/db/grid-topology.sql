-- The topology of the grids of a village (or of every village of a town) as it would be
-- after replacing some grids with candidate outlines: one row per problem, one row per
-- candidate with the outline a save stores, one row per gap left, and a final 'end' row.
-- The live check, POST /api/grids/validate, every write and the listing all run this one
-- statement, so they cannot disagree.
--   $1 json        candidates: [{"key": "...", "geometry": <GeoJSON>}], already valid (ST_IsValid);
--                  only when $2 is a village
--   $2 text        a village code, or a town code (the listing of a town: no candidates)
--   $3 text[]      current grids of the village that the candidates replace (left out)
--   $4 float8      tolerance in metres: parts narrower than 2 × $4 everywhere are noise, not
--                  problems (an overhang, an overlap, a gap), and are not stored
--   $5 float8      pieces of a stored outline smaller than this (m²) are rounding crumbs, dropped
--   $6 float8      grid size of the overlays, degrees (see below)
--   $7 timestamptz the grids as they were then (the listing); NULL: the current ones
--   $8 boolean     report outlines outside the village or over other grids, and a candidate
--                  that is not one piece once stored (drawn outlines); a split or a merge
--                  only rearranges area that is already stored and reports none of them
-- Every overlay (intersection, difference, union) runs on a fixed precision grid ($6, 1e-7°,
-- about 1 cm, the precision the API returns). Floating-precision overlay falls back on
-- snapping when it meets nearly coincident edges — which trimming against neighbours
-- produces — and the embedded engine's PostGIS build cannot take that fallback: the statement
-- then ends without a row and without an error, and a check would pass that finds nothing.
-- Snap-rounding on a fixed grid needs no fallback. It may collapse a narrow part of a result
-- into a line or a point, and an overlay refuses such mixed input: every result that goes on
-- into another overlay keeps its polygons only (ST_CollectionExtract). The 'end' row lets the
-- caller tell an answer with no problems from no answer at all.
-- Widths and tolerances are measured in EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E,
-- metres), the conformal projection centred on Dongguan; areas on the spheroid (geography).
WITH cand AS (
  SELECT e->>'key' AS key, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(e->>'geometry'), 4326)) AS g
  FROM json_array_elements($1::json) e
),
village AS (
  SELECT a.code, a.geom AS g FROM areas a
  WHERE a.level = 'village' AND (a.code = $2 OR a.parent_code = $2) AND a.geom IS NOT NULL
    AND CASE WHEN $7::timestamptz IS NULL THEN a.valid_to IS NULL
             ELSE a.valid_from <= $7::timestamptz AND (a.valid_to IS NULL OR a.valid_to > $7::timestamptz) END
),
sib AS (
  SELECT a.code AS key, a.parent_code AS village, a.geom AS g FROM areas a JOIN village v ON v.code = a.parent_code
  WHERE a.level = 'grid' AND NOT (a.code = ANY ($3::text[]))
    AND CASE WHEN $7::timestamptz IS NULL THEN a.valid_to IS NULL
             ELSE a.valid_from <= $7::timestamptz AND (a.valid_to IS NULL OR a.valid_to > $7::timestamptz) END
),
-- the parts of each candidate outside its village
outside_part AS (
  SELECT 'outside'::text AS src, c.key, NULL::text AS other, d.geom AS part
  FROM cand c, village v, LATERAL ST_Dump(ST_CollectionExtract(ST_Difference(c.g, v.g, $6), 3)) d
  WHERE $8 AND NOT ST_CoveredBy(c.g, v.g)
),
pairs AS (
  SELECT a.key, b.key AS other, a.g AS ga, b.g AS gb FROM cand a JOIN cand b ON a.key < b.key AND a.g && b.g
  UNION ALL
  SELECT c.key, s.key, c.g, s.g FROM cand c JOIN sib s ON c.g && s.g
),
-- the parts where a candidate overlaps another grid or candidate (touching edges intersect
-- in lines, which ST_CollectionExtract(…, 3) drops)
overlap_part AS (
  SELECT 'overlap'::text AS src, pairs.key, pairs.other, d.geom AS part
  FROM pairs, LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(ga, gb, $6), 3)) d
  WHERE $8 AND ST_Intersects(ga, gb)
),
-- What a save stores: each candidate clipped to the village and cut back from the other
-- grids and from the candidates before it (by key), so the slivers the checks tolerate never
-- become overlaps or overhangs in the data. Pieces under $5 m² are rounding crumbs.
piece_part AS (
  SELECT 'piece'::text AS src, c.key, NULL::text AS other, d.geom AS part
  FROM cand c, village v,
  LATERAL ST_Dump(ST_CollectionExtract(ST_Difference(
    ST_CollectionExtract(ST_Intersection(c.g, v.g, $6), 3),
    coalesce((SELECT ST_CollectionExtract(ST_Union(o.g, $6), 3) FROM (
                SELECT s.g FROM sib s WHERE s.g && c.g
                UNION ALL
                SELECT c2.g FROM cand c2 WHERE c2.key < c.key AND c2.g && c.g) o),
             'SRID=4326;POLYGON EMPTY'::geometry),
    $6), 3)) d
  WHERE ST_Area(d.geom::geography) >= $5
),
-- Which parts are wider than 2 × $4 somewhere (a disc of radius $4 fits inside): the rest is
-- noise — an overhang or overlap the tolerance allows, a sliver of a stored outline that is
-- dropped. The maximum inscribed circle answers without overlay; its radius is exact to
-- 1/1000 of the part's extent, and the few parts that close to the limit are decided by the
-- inward buffer of the part reduced to a 1 cm grid (a buffer of the part itself may need
-- the fallback the embedded engine lacks).
part AS (
  SELECT x.src, x.key, x.other, x.part,
         CASE WHEN m.r > $4 THEN true
              WHEN m.r + m.slack <= $4 THEN false
              ELSE NOT ST_IsEmpty(ST_Buffer(ST_ReducePrecision(t.m, 0.01), -$4)) END AS wide
  FROM (SELECT * FROM outside_part UNION ALL SELECT * FROM overlap_part UNION ALL SELECT * FROM piece_part) x,
  LATERAL (SELECT ST_Transform(x.part, 4547) AS m) t,
  LATERAL (SELECT (ST_MaximumInscribedCircle(t.m)).radius AS r,
                  greatest(ST_XMax(t.m) - ST_XMin(t.m), ST_YMax(t.m) - ST_YMin(t.m)) / 500 AS slack) m
),
outside AS (
  SELECT 'outside_parent'::text AS kind, key, NULL::text AS other, $2::text AS village, ST_CollectionHomogenize(ST_Collect(part)) AS part
  FROM part WHERE src = 'outside' AND wide GROUP BY key
),
overlap AS (
  SELECT 'overlap'::text AS kind, key, other, $2::text AS village, ST_CollectionHomogenize(ST_Collect(part)) AS part
  FROM part WHERE src = 'overlap' AND wide GROUP BY key, other
),
stored AS (
  SELECT c.key, count(p.part)::int AS n, ST_Multi(ST_Collect(p.part)) AS g
  FROM cand c LEFT JOIN part p ON p.key = c.key AND p.src = 'piece' AND p.wide
  GROUP BY c.key
),
-- every grid of each village afterwards: the others and the candidates as stored
covered AS (
  SELECT u.village, ST_CollectionExtract(ST_Union(u.g, $6), 3) AS g
  FROM (SELECT village, g FROM sib UNION ALL SELECT $2::text, g FROM stored WHERE g IS NOT NULL) u
  GROUP BY u.village
),
-- the gaps: what no grid covers, in pieces wider than 2 × $4 (decided as above)
gap AS (
  SELECT 'gap'::text AS kind, NULL::text AS key, NULL::text AS other, v.code AS village, d.geom AS part
  FROM village v
  LEFT JOIN covered c ON c.village = v.code,
  LATERAL ST_Dump(ST_CollectionExtract(
    CASE WHEN c.g IS NULL THEN v.g ELSE ST_Difference(v.g, c.g, $6) END, 3)) d,
  LATERAL (SELECT ST_Transform(d.geom, 4547) AS m) t,
  LATERAL (SELECT (ST_MaximumInscribedCircle(t.m)).radius AS r,
                  greatest(ST_XMax(t.m) - ST_XMin(t.m), ST_YMax(t.m) - ST_YMin(t.m)) / 500 AS slack) m
  WHERE CASE WHEN m.r > $4 THEN true
             WHEN m.r + m.slack <= $4 THEN false
             ELSE NOT ST_IsEmpty(ST_Buffer(ST_ReducePrecision(t.m, 0.01), -$4)) END
)
SELECT kind, key, other, village, ST_AsGeoJSON(part, 7)::json AS geometry, NULL::text AS ewkb,
       ST_Area(part::geography) AS area_m2, NULL::int AS n
FROM (SELECT * FROM outside UNION ALL SELECT * FROM overlap UNION ALL SELECT * FROM gap) problems
WHERE NOT ST_IsEmpty(part)
UNION ALL
SELECT 'stored', key, NULL, $2::text, ST_AsGeoJSON(g, 7)::json, encode(ST_AsEWKB(g), 'hex'),
       coalesce(ST_Area(g::geography), 0), n
FROM stored
UNION ALL
SELECT 'end', NULL, NULL, NULL, NULL, NULL, 0, (SELECT count(*)::int FROM village)
ORDER BY 1, 2, 3, 7 DESC
