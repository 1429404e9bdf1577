-- 0016: the references of the bulk feature tables (sites, components, risk sources, cameras)
-- are checked once per statement instead of once per row. A foreign key checks each row with
-- its own query: a 1,000,000-row import of components spent 24 s of its 37 s insert in five
-- such checks per row (three area codes, the category, the import). Here one AFTER trigger
-- per statement reads the statement's rows (a transition table) and:
--   1. locks the referenced rows FOR KEY SHARE, as a foreign key does, so that they cannot be
--      deleted or renumbered before this transaction ends;
--   2. refuses the statement (SQLSTATE 23503, foreign_key_violation, with a constraint name)
--      when a code it names does not exist.
-- The referenced tables (area_codes, categories, imports) refuse, per statement, to delete or
-- renumber a row still referenced (23503 too). Under READ COMMITTED, which the platform uses,
-- this is what the foreign keys did: a writer waits for a concurrent delete of what it refers
-- to and then sees it gone, and a delete that had to wait for a writer sees its rows.
-- Teams, incidents and the other tables keep their foreign keys: they are written a few rows
-- at a time, where a per-row check is cheaper than a per-statement one.

CREATE TABLE ref_checked_tables (
  tbl          text PRIMARY KEY,
  has_category boolean NOT NULL
);
INSERT INTO ref_checked_tables VALUES
  ('sites', true), ('components', true), ('risk_sources', true), ('cameras', false);

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM ref_checked_tables LOOP
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I, DROP CONSTRAINT %I, DROP CONSTRAINT %I, DROP CONSTRAINT %I',
                   t.tbl, t.tbl || '_town_code_fkey', t.tbl || '_village_code_fkey', t.tbl || '_grid_code_fkey',
                   t.tbl || '_import_id_fkey');
    IF t.has_category THEN
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', t.tbl, t.tbl || '_category_kind_kind_fkey');
    END IF;

    EXECUTE format($f$
      CREATE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
      DECLARE
        missing text;
        codes text[];
        ids bigint[];
      BEGIN
        -- area codes: the distinct ones named (one pass over the rows), locked, then checked
        SELECT array_agg(DISTINCT c) INTO codes
        FROM (SELECT DISTINCT r.town_code, r.village_code, r.grid_code FROM new_rows r) d
        CROSS JOIN LATERAL unnest(ARRAY[d.town_code, d.village_code, d.grid_code]) c
        WHERE c IS NOT NULL;
        PERFORM FROM area_codes a WHERE a.code = ANY (codes) ORDER BY a.code FOR KEY SHARE;
        SELECT c INTO missing FROM unnest(codes) c
        WHERE NOT EXISTS (SELECT 1 FROM area_codes a WHERE a.code = c) LIMIT 1;
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'insert or update on table "%2$s" refers to area code %%, which is not in area_codes', missing
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '%2$s_area_code_ref', TABLE = '%2$s';
        END IF;
        %3$s
        SELECT array_agg(DISTINCT r.import_id) INTO ids FROM new_rows r WHERE r.import_id IS NOT NULL;
        PERFORM FROM imports i WHERE i.id = ANY (ids) ORDER BY i.id FOR KEY SHARE;
        SELECT x::text INTO missing FROM unnest(ids) x
        WHERE NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = x) LIMIT 1;
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'insert or update on table "%2$s" refers to import %%, which is not in imports', missing
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '%2$s_import_ref', TABLE = '%2$s';
        END IF;
        RETURN NULL;
      END $body$ $f$,
      t.tbl || '_refs_check', t.tbl,
      -- the category kind is fixed per table (a CHECK), so the codes alone name the categories
      CASE WHEN t.has_category THEN format($c$
        SELECT array_agg(DISTINCT r.kind) INTO codes FROM new_rows r;
        PERFORM FROM categories k WHERE k.kind = %2$L AND k.code = ANY (codes) ORDER BY k.code FOR KEY SHARE;
        SELECT c INTO missing FROM unnest(codes) c
        WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE k.kind = %2$L AND k.code = c) LIMIT 1;
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'insert or update on table "%1$s" refers to category %%, which is not in categories', missing
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '%1$s_category_ref', TABLE = '%1$s';
        END IF;$c$, t.tbl, CASE t.tbl WHEN 'sites' THEN 'site' WHEN 'components' THEN 'component' ELSE 'risk_source' END)
      ELSE '' END);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl || '_refs_ins', t.tbl, t.tbl || '_refs_check');
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl || '_refs_upd', t.tbl, t.tbl || '_refs_check');
  END LOOP;
END $$;

-- The referenced side: a statement that deletes or renumbers area codes, categories or
-- imports still referenced from those tables is refused. `gone` holds the keys that no longer
-- exist after the statement; each table is read once (a hash join on the gone keys).
CREATE FUNCTION refs_refuse_gone(what text, gone text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  hit text;
BEGIN
  IF cardinality(gone) = 0 THEN
    RETURN;
  END IF;
  FOR t IN SELECT * FROM ref_checked_tables ORDER BY tbl LOOP
    IF what = 'area_codes' THEN
      EXECUTE format('SELECT c FROM %I x CROSS JOIN LATERAL unnest(ARRAY[x.town_code, x.village_code, x.grid_code]) c
                      WHERE c = ANY ($1) LIMIT 1', t.tbl) INTO hit USING gone;
    ELSIF what = 'categories' AND t.has_category THEN
      EXECUTE format('SELECT x.category_kind || %L || x.kind FROM %I x WHERE x.category_kind || %L || x.kind = ANY ($1) LIMIT 1',
                     '/', t.tbl, '/') INTO hit USING gone;
    ELSIF what = 'imports' THEN
      EXECUTE format('SELECT x.import_id::text FROM %I x WHERE x.import_id::text = ANY ($1) LIMIT 1', t.tbl)
        INTO hit USING gone;
    END IF;
    IF hit IS NOT NULL THEN
      RAISE EXCEPTION 'update or delete on table "%" removes % %, which table "%" still refers to', what,
        CASE what WHEN 'area_codes' THEN 'area code' WHEN 'categories' THEN 'category' ELSE 'import' END, hit, t.tbl
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = t.tbl || '_' || CASE what
          WHEN 'area_codes' THEN 'area_code' WHEN 'categories' THEN 'category' ELSE 'import' END || '_ref',
          TABLE = t.tbl;
    END IF;
  END LOOP;
END $$;

-- For each referenced table, its key as text (as refs_refuse_gone compares it): the keys of
-- the deleted rows, or of the updated rows whose key changed, are gone.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES ('area_codes', 'code'), ('categories', $k$kind || '/' || code$k$),
                                 ('imports', 'id::text')) AS v(tbl, key) LOOP
    EXECUTE format($f$CREATE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        PERFORM refs_refuse_gone(%3$L, ARRAY(SELECT %4$s FROM old_rows));
        RETURN NULL;
      END $body$ $f$, r.tbl || '_refs_del', r.tbl, r.tbl, r.key);
    EXECUTE format($f$CREATE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        PERFORM refs_refuse_gone(%3$L, ARRAY(SELECT %4$s FROM old_rows EXCEPT SELECT %4$s FROM new_rows));
        RETURN NULL;
      END $body$ $f$, r.tbl || '_refs_upd', r.tbl, r.tbl, r.key);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %I()', r.tbl || '_refs_del', r.tbl, r.tbl || '_refs_del');
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %I()', r.tbl || '_refs_upd', r.tbl, r.tbl || '_refs_upd');
  END LOOP;
END $$;
