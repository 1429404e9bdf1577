-- 0009: the grid editor. Each area version says how it came about and who made it, and
-- a closed version says why it ended, so a grid's history reads without the audit log.
ALTER TABLE areas
  ADD COLUMN change       text NOT NULL DEFAULT 'loaded' CHECK (change IN (
                            'loaded', 'created', 'reshaped', 'renamed', 'attributes', 'split', 'merged', 'imported')),
  ADD COLUMN changed_by   text,
  ADD COLUMN closed_reason text CHECK (closed_reason IN ('replaced', 'deleted', 'merged', 'split', 'imported')),
  -- the grid this one was merged into (closed_reason 'merged')
  ADD COLUMN closed_into  text REFERENCES area_codes (code),
  ADD CONSTRAINT areas_closed_reason_check2 CHECK (closed_reason IS NULL OR valid_to IS NOT NULL);

-- History and as-of reads go by code and time.
CREATE INDEX areas_code_time_idx ON areas (code, valid_from);
-- The grids of a village at any time (the as-of map).
CREATE INDEX areas_parent_time_idx ON areas (parent_code, valid_from) WHERE level = 'grid';

-- A grid outline as stored: clipped to its parent village and cut back from the other
-- current grids of the village (except p_exclude, the ones being replaced), so the slivers
-- the checks tolerate never become overlaps or overhangs in the data. Parts smaller than
-- p_min_m2 square metres are dropped; NULL when nothing is left.
CREATE FUNCTION rm_grid_trim(p_g geometry, p_parent text, p_exclude text[], p_min_m2 float8) RETURNS geometry
LANGUAGE sql STABLE AS $$
  SELECT ST_Multi(ST_Collect(d.geom ORDER BY d.path))
  FROM ST_Dump(ST_CollectionExtract(ST_MakeValid(ST_Difference(
         ST_Intersection(p_g, (SELECT a.geom FROM areas a WHERE a.code = p_parent AND a.valid_to IS NULL)),
         coalesce((SELECT ST_Union(a.geom) FROM areas a
                   WHERE a.parent_code = p_parent AND a.level = 'grid' AND a.valid_to IS NULL
                     AND NOT (a.code = ANY (p_exclude)) AND a.geom && p_g),
                  'SRID=4326;POLYGON EMPTY'::geometry))), 3)) d
  WHERE ST_Area(d.geom::geography) >= p_min_m2
$$;
