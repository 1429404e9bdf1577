-- 0017: incident tile counts are written as deltas and folded in the background.
-- Every batch of reports updated its cells at nine zooms in tile_cells inside the intake
-- statement: about 90 upserts for 10 reports, 2.3 of the 6 ms the batch took, and the cells
-- of the coarse zooms are the same few rows for every report of the city, updated a thousand
-- times a second. Now a report adds one row per zoom-18 cell to tile_cell_deltas (an insert,
-- no lookup), and tile_cells_fold() moves the deltas into tile_cells, all zooms at once,
-- every second (api/routes/tiles: the API process runs it). Tile reads add the deltas not
-- yet folded to tile_cells, so a tile counts every committed report at once; the fold
-- deletes deltas and updates cells in one statement, so no reader sees a report twice or not
-- at all. Layers written in bulk (imports, the sample data) keep their direct counts.

CREATE TABLE tile_cell_deltas (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer     text NOT NULL,
  -- the zoom-18 cell (0003's cell arithmetic); coarser cells are these shifted right
  cx        integer NOT NULL,
  cy        integer NOT NULL,
  kind      text NOT NULL,
  status    text NOT NULL,
  level     smallint NOT NULL,
  town_code text NOT NULL,
  n         integer NOT NULL,
  sx        double precision NOT NULL,
  sy        double precision NOT NULL
);
-- tile reads ask for a range of cx within a layer
CREATE INDEX tile_cell_deltas_cell_idx ON tile_cell_deltas (layer, cx);

ALTER TABLE tile_cell_layers ADD COLUMN deferred boolean NOT NULL DEFAULT false;
UPDATE tile_cell_layers SET deferred = true WHERE layer = 'incidents';

-- The rows of `rel` summed per zoom-18 cell, as deltas with `sign` (+1 added, -1 removed).
CREATE FUNCTION tile_cell_deltas_sql(layer text, dims text, rel text, sign integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT format($q$
    INSERT INTO tile_cell_deltas (layer, cx, cy, kind, status, level, town_code, n, sx, sy)
    SELECT %L,
           floor((p.mx + 20037508.342789244) * (262144 / 40075016.68557849::float8))::int,
           floor((20037508.342789244 - p.my) * (262144 / 40075016.68557849::float8))::int,
           p.kind, p.status, p.level, p.town_code, %s * count(*), %s * sum(p.mx), %s * sum(p.my)
    FROM (
      SELECT d.*, rm_merc_x(ST_X(s.pt)) AS mx, rm_merc_y(ST_Y(s.pt)) AS my
      FROM %I r
      CROSS JOIN LATERAL (SELECT %s) d
      CROSS JOIN LATERAL (SELECT ST_PointOnSurface(r.geom) AS pt) s
      WHERE r.geom IS NOT NULL
      OFFSET 0 -- each row's position once, not once per use
    ) p
    GROUP BY 2, 3, 4, 5, 6, 7
  $q$, layer, sign, sign, sign, rel, dims)
$fn$;

-- A bulk load (riskmap.bulk_load, as in 0011) still counts directly: one aggregate over all
-- its rows is cheaper than as many deltas, and it leaves nothing to fold.
DO $$
DECLARE
  l record;
  bulk constant text := $b$coalesce(current_setting('riskmap.bulk_load', true), '') = 'on'$b$;
BEGIN
  FOR l IN SELECT * FROM tile_cell_layers WHERE deferred LOOP
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_ins_' || l.layer, '64MB',
      format('BEGIN IF %s THEN %s; ELSE %s; END IF; RETURN NULL; END', bulk,
             tile_cells_sql(l.layer, l.dims, 'new_rows', 1), tile_cell_deltas_sql(l.layer, l.dims, 'new_rows', 1)));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_upd_' || l.layer, '64MB',
      format('BEGIN IF %s THEN %s; DELETE FROM tile_cells WHERE layer = %L AND n <= 0; %s; ELSE %s; %s; END IF; RETURN NULL; END',
             bulk, tile_cells_sql(l.layer, l.dims, 'old_rows', -1), l.layer, tile_cells_sql(l.layer, l.dims, 'new_rows', 1),
             tile_cell_deltas_sql(l.layer, l.dims, 'old_rows', -1), tile_cell_deltas_sql(l.layer, l.dims, 'new_rows', 1)));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_del_' || l.layer, '64MB',
      format('BEGIN IF %s THEN %s; DELETE FROM tile_cells WHERE layer = %L AND n <= 0; ELSE %s; END IF; RETURN NULL; END',
             bulk, tile_cells_sql(l.layer, l.dims, 'old_rows', -1), l.layer,
             tile_cell_deltas_sql(l.layer, l.dims, 'old_rows', -1)));
  END LOOP;
END $$;

-- Moves up to `max_rows` of the oldest deltas into tile_cells (every zoom, cells in key
-- order) and drops the cells left empty. Concurrent folds take disjoint deltas (SKIP
-- LOCKED). Answers the number of deltas moved: 0 when there were none.
CREATE FUNCTION tile_cells_fold(max_rows integer) RETURNS integer
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
  moved integer;
BEGIN
  WITH taken AS (
    DELETE FROM tile_cell_deltas
    WHERE id IN (SELECT id FROM tile_cell_deltas ORDER BY id LIMIT max_rows FOR UPDATE SKIP LOCKED)
    RETURNING *
  ), cells AS (
    INSERT INTO tile_cells AS t (layer, cz, cx, cy, kind, status, level, town_code, n, sx, sy)
    SELECT d.layer, z.cz, d.cx >> (18 - z.cz), d.cy >> (18 - z.cz), d.kind, d.status, d.level, d.town_code,
           sum(d.n), sum(d.sx), sum(d.sy)
    FROM taken d
    CROSS JOIN generate_series(10, 18) z(cz)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (layer, cz, cx, cy, kind, status, level, town_code)
    DO UPDATE SET n = t.n + EXCLUDED.n, sx = t.sx + EXCLUDED.sx, sy = t.sy + EXCLUDED.sy
  )
  SELECT count(*) INTO moved FROM taken;
  IF moved > 0 THEN
    DELETE FROM tile_cells WHERE layer IN (SELECT layer FROM tile_cell_layers WHERE deferred) AND n <= 0;
  END IF;
  RETURN moved;
END $$;
