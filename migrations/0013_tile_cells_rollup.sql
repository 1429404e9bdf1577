-- 0013: the tile-cell counts computed once per row instead of once per row and zoom.
-- 0003/0008 placed every point in each of the 9 cell zooms (10–18) with a numeric division
-- per zoom and sorted the 9× rows; a 100,000-row import spent 4 s there. Now each row is
-- placed in its zoom-18 cell once (float arithmetic), the rows are summed per cell, and the
-- coarser zooms are the zoom-18 cell numbers shifted right: floor(floor(a) / 2^k) =
-- floor(a / 2^k), so the cells are the ones 0003 defined.

-- Each layer's table and the select list giving kind, status, level and town_code from a
-- row `r` (0003's trigger arguments), kept so the trigger functions can be generated again.
CREATE TABLE tile_cell_layers (
  layer text PRIMARY KEY,
  tbl   text NOT NULL,
  dims  text NOT NULL
);
INSERT INTO tile_cell_layers (layer, tbl, dims) VALUES
  ('sites', 'sites', $d$r.kind AS kind, ''::text AS status, 0::smallint AS level, coalesce(r.town_code, '') AS town_code$d$),
  ('components', 'components', $d$r.kind AS kind, r.status AS status, 0::smallint AS level, coalesce(r.town_code, '') AS town_code$d$),
  ('risk_sources', 'risk_sources', $d$r.kind AS kind, ''::text AS status, r.level AS level, coalesce(r.town_code, '') AS town_code$d$),
  ('cameras', 'cameras', $d$''::text AS kind, ''::text AS status, 0::smallint AS level, coalesce(r.town_code, '') AS town_code$d$),
  ('teams', 'teams', $d$r.kind AS kind, r.status AS status, 0::smallint AS level, coalesce(left(r.home_area_code, 9), '') AS town_code$d$),
  ('incidents', 'incidents', $d$r.category AS kind, r.status AS status, r.priority AS level, coalesce(r.town_code, '') AS town_code$d$);

CREATE OR REPLACE FUNCTION tile_cells_sql(layer text, dims text, rel text, sign integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT format($q$
    INSERT INTO tile_cells AS t (layer, cz, cx, cy, kind, status, level, town_code, n, sx, sy)
    SELECT %L, z.cz, b.cx >> (18 - z.cz), b.cy >> (18 - z.cz), b.kind, b.status, b.level, b.town_code,
           sum(b.n), sum(b.sx), sum(b.sy)
    FROM (
      SELECT floor((p.mx + 20037508.342789244) * (262144 / 40075016.68557849::float8))::int AS cx,
             floor((20037508.342789244 - p.my) * (262144 / 40075016.68557849::float8))::int AS cy,
             p.kind, p.status, p.level, p.town_code,
             %s * count(*) AS n, %s * sum(p.mx) AS sx, %s * sum(p.my) AS sy
      FROM (
        SELECT d.*, rm_merc_x(ST_X(s.pt)) AS mx, rm_merc_y(ST_Y(s.pt)) AS my
        FROM %I r
        CROSS JOIN LATERAL (SELECT %s) d
        CROSS JOIN LATERAL (SELECT ST_PointOnSurface(r.geom) AS pt) s
        WHERE r.geom IS NOT NULL
        OFFSET 0 -- each row's position once, not once per use
      ) p
      GROUP BY 1, 2, 3, 4, 5, 6
    ) b
    CROSS JOIN generate_series(10, 18) z(cz)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    -- in key order: the index is walked forward, and writers lock their cells in one order
    ORDER BY 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (layer, cz, cx, cy, kind, status, level, town_code)
    DO UPDATE SET n = t.n + EXCLUDED.n, sx = t.sx + EXCLUDED.sx, sy = t.sy + EXCLUDED.sy
  $q$, layer, sign, sign, sign, rel, dims)
$fn$;

DO $$
DECLARE
  l record;
BEGIN
  FOR l IN SELECT * FROM tile_cell_layers LOOP
    -- work_mem only while the trigger runs: a large import sorts its cells in memory
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_ins_' || l.layer, '64MB',
      format('BEGIN %s; RETURN NULL; END', tile_cells_sql(l.layer, l.dims, 'new_rows', 1)));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_upd_' || l.layer, '64MB',
      format('BEGIN %s; DELETE FROM tile_cells WHERE layer = %L AND n <= 0; %s; RETURN NULL; END',
             tile_cells_sql(l.layer, l.dims, 'old_rows', -1), l.layer, tile_cells_sql(l.layer, l.dims, 'new_rows', 1)));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_del_' || l.layer, '64MB',
      format('BEGIN %s; DELETE FROM tile_cells WHERE layer = %L AND n <= 0; RETURN NULL; END',
             tile_cells_sql(l.layer, l.dims, 'old_rows', -1), l.layer));
  END LOOP;
  -- counted again with the new arithmetic, so additions and removals always meet the same cells
  TRUNCATE tile_cells;
  FOR l IN SELECT * FROM tile_cell_layers LOOP
    EXECUTE format('CREATE TEMP TABLE new_rows ON COMMIT DROP AS SELECT * FROM %I', l.tbl);
    EXECUTE tile_cells_sql(l.layer, l.dims, 'new_rows', 1);
    DROP TABLE new_rows;
  END LOOP;
END $$;
