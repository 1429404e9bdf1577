import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

// The database itself refuses data that breaks the model, whatever code writes it.
describe('schema constraints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  it('refuses points outside lon/lat range', async () => {
    await expect(
      t.db.query(
        `INSERT INTO sites (id, name, kind, geom) VALUES (990000001, 'x', 'S01', ST_SetSRID(ST_MakePoint(190, 23), 4326))`,
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('refuses a risk level outside 1–4 and a component code that does not match its kind', async () => {
    await expect(
      t.db.query(
        `INSERT INTO risk_sources (id, name, kind, level, impact_radius_m, geom)
         SELECT 990000002, 'x', code, 5, 100, ST_SetSRID(ST_MakePoint(113.7, 23), 4326) FROM categories WHERE kind = 'risk_source' LIMIT 1`,
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      t.db.query(
        `INSERT INTO components (id, code, kind, geom) VALUES (990000003, '4419000102000001', '0101', ST_SetSRID(ST_MakePoint(113.7, 23), 4326))`,
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('keeps a code unique among the area versions valid at one time', async () => {
    await expect(
      t.db.query(
        `INSERT INTO areas (code, level, name, parent_code, valid_from)
         VALUES ('441900110', 'town', '常平镇（重复）', '441900', '2021-01-01')`,
      ),
    ).rejects.toThrow(/conflict|exclusion/);
  });

  it('refuses a feature naming an area code, category or import that does not exist, and a referenced code from going', async () => {
    // codes of its own (441999 is no area of the city), so runs sharing a database never meet
    const suffix = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
    const grid = `441999${suffix}`;
    const id = 980_000_000 + Math.floor(Math.random() * 9_999_999);
    const point = 'ST_SetSRID(ST_MakePoint(113.7, 23), 4326)';
    const refused = (sql: string, params: unknown[], message: RegExp) =>
      expect(t.db.query(sql, params)).rejects.toMatchObject({
        code: '23503',
        message: expect.stringMatching(message),
      });

    await refused(
      `INSERT INTO cameras (id, code, name, grid_code, geom) VALUES ($1, $2, 'x', $3, ${point})`,
      [id, `CAM-${suffix}`, grid],
      /area code 441999/,
    );
    await refused(
      `INSERT INTO components (id, code, kind, geom) VALUES ($1, '4419000199000001', '0199', ${point})`,
      [id],
      /category 0199/,
    );
    await refused(
      `INSERT INTO sites (id, name, kind, import_id, geom) VALUES ($1, 'x', 'S01', -1, ${point})`,
      [id],
      /import -1/,
    );

    await t.db.query(`INSERT INTO area_codes (code, level) VALUES ($1, 'grid')`, [grid]);
    await t.db.query(
      `INSERT INTO cameras (id, code, name, grid_code, geom) VALUES ($1, $2, 'x', $3, ${point})`,
      [id, `CAM-${suffix}`, grid],
    );
    await refused(
      `UPDATE cameras SET village_code = $2 WHERE id = $1`,
      [id, `441999${suffix.slice(0, 6)}`],
      /area code/,
    );
    await refused(`DELETE FROM area_codes WHERE code = $1`, [grid], /still refers/);
    await refused(
      `UPDATE area_codes SET code = $2 WHERE code = $1`,
      [grid, `441998${suffix}`],
      /still refers/,
    );
    expect((await t.db.query('SELECT 1 FROM area_codes WHERE code = $1', [grid])).rowCount).toBe(1);
    // once nothing refers to it, it may go
    await t.db.query('DELETE FROM cameras WHERE id = $1', [id]);
    expect((await t.db.query('DELETE FROM area_codes WHERE code = $1', [grid])).rowCount).toBe(1);
  });

  it('keeps the incident timeline append-only', async () => {
    const inc = await t.db.query<{ id: number }>('SELECT id FROM incidents LIMIT 1');
    const id = inc.rows[0]!.id;
    await t.db.query(
      `INSERT INTO incident_events (incident_id, actor, action, note) VALUES ($1, 'test', 'note', 'first')`,
      [id],
    );
    await expect(
      t.db.query(`UPDATE incident_events SET note = 'changed' WHERE incident_id = $1`, [id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM incident_events WHERE incident_id = $1`, [id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('allows one open dispatch per team', async () => {
    // A team of its own, so reruns against one server database never collide.
    const team = 900_000_000 + Math.floor(Math.random() * 99_999_999);
    await t.db.query(`INSERT INTO teams (id, name, kind) VALUES ($1, 'probe team', 'police')`, [team]);
    const incs = (await t.db.query<{ id: number }>(`SELECT id FROM incidents ORDER BY id DESC LIMIT 2`)).rows;
    await t.db.query(`INSERT INTO dispatches (incident_id, team_id, created_by) VALUES ($1, $2, 'a')`, [
      incs[0]!.id,
      team,
    ]);
    await expect(
      t.db.query(`INSERT INTO dispatches (incident_id, team_id, created_by) VALUES ($1, $2, 'b')`, [
        incs[1]!.id,
        team,
      ]),
    ).rejects.toThrow(/duplicate key|unique/);
  });

  it('has a GiST index on every geometry column', async () => {
    const r = await t.db.query<{ tbl: string; col: string }>(
      `SELECT c.relname AS tbl, a.attname AS col
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.atttypid = 'geometry'::regtype AND NOT a.attisdropped
         AND NOT EXISTS (
           SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
           WHERE i.indrelid = c.oid AND am.amname = 'gist' AND a.attnum = ANY (i.indkey))`,
    );
    expect(r.rows).toEqual([]);
  });
});
