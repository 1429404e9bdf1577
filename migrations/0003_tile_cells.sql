-- 0003: point counts per map cell, kept current by triggers, so that low-zoom tiles
-- of city-scale layers are sums over a few thousand cells instead of scans of a
-- million points. Cells are Web Mercator (EPSG:3857) tiles of zoom cz = 10..18;
-- a map tile of zoom z draws cells of zoom z + 4 (16 × 16 per tile, 256 tile units each).
-- Statement-level triggers with transition tables fold a whole COPY into one upsert.

CREATE TABLE tile_cells (
  layer     text     NOT NULL,
  cz        smallint NOT NULL CHECK (cz BETWEEN 0 AND 24),
  cx        integer  NOT NULL,
  cy        integer  NOT NULL,
  kind      text     NOT NULL,
  status    text     NOT NULL,
  level     smallint NOT NULL,
  town_code text     NOT NULL,
  n         integer  NOT NULL,
  -- sums of EPSG:3857 coordinates, so a cluster is drawn at the centre of its points
  sx        double precision NOT NULL,
  sy        double precision NOT NULL,
  PRIMARY KEY (layer, cz, cx, cy, kind, status, level, town_code)
);
-- Emptied cells are removed after each change; this keeps finding them cheap.
CREATE INDEX tile_cells_empty_idx ON tile_cells (layer) WHERE n <= 0;

-- Web Mercator metres of a lon/lat point (EPSG:4326 → 3857), cheaper than ST_Transform per row.
CREATE FUNCTION rm_merc_x(lon double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT lon * 20037508.342789244 / 180 $$;
CREATE FUNCTION rm_merc_y(lat double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ln(tan((90 + greatest(least(lat, 85.0511), -85.0511)) * pi() / 360)) * 20037508.342789244 / pi() $$;

-- The statement that adds (sign = 1) or removes (sign = -1) the rows of relation `rel`
-- to/from the counts. `dims` is the select list giving kind, status, level and town_code
-- from a row `r`. It is returned as text because a trigger's transition tables are visible
-- only to statements the trigger function itself executes.
CREATE FUNCTION tile_cells_sql(layer text, dims text, rel text, sign integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT format($q$
    INSERT INTO tile_cells AS t (layer, cz, cx, cy, kind, status, level, town_code, n, sx, sy)
    SELECT %L, z.cz,
           floor((p.mx + 20037508.342789244) / (40075016.68557849 / (1 << z.cz)))::int,
           floor((20037508.342789244 - p.my) / (40075016.68557849 / (1 << z.cz)))::int,
           d.kind, d.status, d.level, d.town_code,
           %s * count(*), %s * sum(p.mx), %s * sum(p.my)
    FROM %I r
    CROSS JOIN LATERAL (SELECT %s) d
    CROSS JOIN LATERAL (SELECT rm_merc_x(ST_X(pt)) AS mx, rm_merc_y(ST_Y(pt)) AS my
                        FROM (SELECT ST_PointOnSurface(r.geom) AS pt) s) p
    CROSS JOIN generate_series(10, 18) z(cz)
    WHERE r.geom IS NOT NULL
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (layer, cz, cx, cy, kind, status, level, town_code)
    DO UPDATE SET n = t.n + EXCLUDED.n, sx = t.sx + EXCLUDED.sx, sy = t.sy + EXCLUDED.sy
  $q$, layer, sign, sign, sign, rel, dims)
$fn$;

CREATE FUNCTION tile_cells_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE tile_cells_sql(TG_ARGV[0], TG_ARGV[1], 'old_rows', -1);
    DELETE FROM tile_cells WHERE layer = TG_ARGV[0] AND n <= 0;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    EXECUTE tile_cells_sql(TG_ARGV[0], TG_ARGV[1], 'new_rows', 1);
  END IF;
  RETURN NULL;
END $$;

DO $$
DECLARE
  l record;
BEGIN
  FOR l IN SELECT * FROM (VALUES
    ('sites', 'sites', $d$r.kind AS kind, ''::text AS status, 0::smallint AS level, coalesce(r.town_code, '') AS town_code$d$),
    ('components', 'components', $d$r.kind AS kind, r.status AS status, 0::smallint AS level, coalesce(r.town_code, '') AS town_code$d$),
    ('risk_sources', 'risk_sources', $d$r.kind AS kind, ''::text AS status, r.level AS level, coalesce(r.town_code, '') AS town_code$d$),
    ('cameras', 'cameras', $d$''::text AS kind, ''::text AS status, 0::smallint AS level, coalesce(r.town_code, '') AS town_code$d$),
    ('teams', 'teams', $d$r.kind AS kind, r.status AS status, 0::smallint AS level, coalesce(left(r.home_area_code, 9), '') AS town_code$d$),
    ('incidents', 'incidents', $d$r.category AS kind, r.status AS status, r.priority AS level, coalesce(r.town_code, '') AS town_code$d$)
  ) AS v(layer, tbl, dims)
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tile_cells_trigger(%L, %L)', l.tbl || '_cells_ins', l.tbl, l.layer, l.dims);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tile_cells_trigger(%L, %L)', l.tbl || '_cells_upd', l.tbl, l.layer, l.dims);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION tile_cells_trigger(%L, %L)', l.tbl || '_cells_del', l.tbl, l.layer, l.dims);
    -- count what is already there (a database migrated after its data was loaded)
    EXECUTE format('CREATE TEMP TABLE new_rows ON COMMIT DROP AS SELECT * FROM %I', l.tbl);
    EXECUTE tile_cells_sql(l.layer, l.dims, 'new_rows', 1);
    DROP TABLE new_rows;
  END LOOP;
END $$;
