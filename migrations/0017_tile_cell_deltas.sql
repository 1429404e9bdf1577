-- 0017: tile counts are written as deltas and folded into tile_cells separately.
-- Until now every insert, update and delete of a point layer updated its cells at nine zooms
-- in tile_cells inside the writing statement. For intake that was about 90 upserts per batch
-- of 10 reports, 2.3 of the 6 ms the batch took, and the cells of the coarse zooms are the
-- same few rows for every report of the city, rewritten a thousand times a second; a team's
-- position fix rewrote 18 cells. Now the triggers add one row per zoom-18 cell and statement
-- to tile_cell_deltas (an insert, no lookup; an update that leaves a row in its cell adds
-- nothing), and tile_cells_fold() moves the deltas into tile_cells, all zooms at once:
-- every second in each API process (api/lib/tile-cell-folding.ts), and at the end of bulk
-- writes (sample data, imports, their undo) in their own transaction. Tile reads add the
-- deltas not yet folded to tile_cells, so a tile counts every committed change at once; the
-- fold deletes deltas and updates cells in one statement, so no reader sees a change twice
-- or not at all.

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

-- The rows of each relation in `rels` ('new_rows' counted +1, 'old_rows' -1) summed per
-- zoom-18 cell and added to tile_cell_deltas; cells whose changes cancel out add nothing.
CREATE FUNCTION tile_cell_deltas_sql(layer text, dims text, rels text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT format($q$
    INSERT INTO tile_cell_deltas (layer, cx, cy, kind, status, level, town_code, n, sx, sy)
    SELECT %L,
           floor((p.mx + 20037508.342789244) * (262144 / 40075016.68557849::float8))::int,
           floor((20037508.342789244 - p.my) * (262144 / 40075016.68557849::float8))::int,
           p.kind, p.status, p.level, p.town_code, sum(p.sign), sum(p.sign * p.mx), sum(p.sign * p.my)
    FROM (
      SELECT d.*, r.sign, rm_merc_x(ST_X(s.pt)) AS mx, rm_merc_y(ST_Y(s.pt)) AS my
      FROM (%s) r
      CROSS JOIN LATERAL (SELECT %s) d
      CROSS JOIN LATERAL (SELECT ST_PointOnSurface(r.geom) AS pt) s
      WHERE r.geom IS NOT NULL
      OFFSET 0 -- each row's position once, not once per use
    ) p
    GROUP BY 2, 3, 4, 5, 6, 7
    HAVING sum(p.sign) <> 0 OR sum(p.sign * p.mx) <> 0 OR sum(p.sign * p.my) <> 0
  $q$, layer,
    (SELECT string_agg(format('SELECT %s AS sign, * FROM %I', CASE rel WHEN 'old_rows' THEN -1 ELSE 1 END, rel),
                       ' UNION ALL ')
     FROM unnest(rels) AS rel),
    dims)
$fn$;

DO $$
DECLARE
  l record;
BEGIN
  FOR l IN SELECT * FROM tile_cell_layers LOOP
    -- work_mem only while the trigger runs: a large import sums its cells in memory
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_ins_' || l.layer, '64MB',
      format('BEGIN %s; RETURN NULL; END', tile_cell_deltas_sql(l.layer, l.dims, ARRAY['new_rows'])));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_upd_' || l.layer, '64MB',
      format('BEGIN %s; RETURN NULL; END', tile_cell_deltas_sql(l.layer, l.dims, ARRAY['old_rows', 'new_rows'])));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET work_mem = %L AS %L',
      'tile_cells_del_' || l.layer, '64MB',
      format('BEGIN %s; RETURN NULL; END', tile_cell_deltas_sql(l.layer, l.dims, ARRAY['old_rows'])));
  END LOOP;
END $$;

-- Moves up to `max_rows` of the oldest deltas (all of them when NULL) into tile_cells, every
-- zoom, cells in key order (writers lock them in one order), and drops the cells left empty.
-- Concurrent folds take disjoint deltas (SKIP LOCKED). Answers the number of deltas moved.
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
    DELETE FROM tile_cells WHERE n <= 0;
  END IF;
  RETURN moved;
END $$;

-- what is pending now (nothing, unless rows were written between 0013's recount and here)
SELECT tile_cells_fold(NULL);
