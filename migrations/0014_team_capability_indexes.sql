-- 0014: nearest available teams per capability. The candidates query walks the GiST index of
-- available teams nearest first (KNN); with one index for all capabilities it visited about
-- five teams for each one it could use (a third of the teams have any one capability), each a
-- heap fetch. A partial index per capability walks only the eligible ones (1.6 → 0.4 ms for
-- the first 128 on the city-scale data). The capabilities are those the incident categories
-- of geodata/reference/categories.csv ask for; a capability added later without an index
-- still works, through teams_available_geom_idx (0010).
DO $$
DECLARE
  cap text;
BEGIN
  FOREACH cap IN ARRAY ARRAY['public_security', 'urban_management', 'municipal_repair', 'construction_supervision',
                             'grid_patrol', 'mediation', 'fire_rescue', 'medical'] LOOP
    EXECUTE format('CREATE INDEX %I ON teams USING gist (geom) WHERE status = %L AND on_duty AND capabilities @> ARRAY[%L]::text[]',
                   'teams_available_' || cap || '_geom_idx', 'available', cap);
  END LOOP;
END $$;
