-- The outline of a set of grid cells (GeoJSON MultiPolygon of row rectangles, $1) as a reader
-- sees it: the rectangles dissolved into one polygon per connected patch (holes kept), and the
-- staircase of cell edges simplified within $2 degrees (under a cell), which keeps the result
-- valid (no ring crosses another).
WITH cells AS (
  SELECT (ST_Dump(ST_GeomFromGeoJSON($1::text))).geom AS geom
)
SELECT ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(ST_Union(geom), $2::float8)), 7) AS geojson
FROM cells
