import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from './template.ts';

// The database interface behaves the same on the embedded engine and on a server.
describe('database interface', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
    await t.db.exec('CREATE TABLE IF NOT EXISTS db_iface_probe (id int PRIMARY KEY, v text)');
  });
  afterAll(() => t.close());

  it('counts returned rows for SELECT and affected rows for writes', async () => {
    await t.db.query('INSERT INTO db_iface_probe VALUES (1, $1), (2, $1), (3, $1)', ['a']);
    expect((await t.db.query('SELECT * FROM db_iface_probe WHERE id <= 2')).rowCount).toBe(2);
    expect((await t.db.query(`UPDATE db_iface_probe SET v = 'b' WHERE id >= 2`)).rowCount).toBe(2);
    expect((await t.db.query('SELECT 1 WHERE false')).rowCount).toBe(0);
  });

  it('returns int8 and numeric as numbers and timestamptz as Date', async () => {
    const r = await t.db.query<{ a: number; b: number; c: Date }>(
      `SELECT 9007199254740991::int8 a, 2.5::numeric b, now() c`,
    );
    expect(r.rows[0]).toMatchObject({ a: 9007199254740991, b: 2.5 });
    expect(r.rows[0]!.c).toBeInstanceOf(Date);
  });

  it('rolls a transaction back when its function throws', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO db_iface_probe VALUES (10, 'x')`);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect((await t.db.query('SELECT 1 FROM db_iface_probe WHERE id = 10')).rowCount).toBe(0);
    const v = await t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO db_iface_probe VALUES (11, 'y')`);
      return 'done';
    });
    expect(v).toBe('done');
    expect((await t.db.query('SELECT 1 FROM db_iface_probe WHERE id = 11')).rowCount).toBe(1);
  });

  it('delivers notifications to listeners, and stops after unsubscribe', async () => {
    const got: string[] = [];
    const channel = `probe_${process.pid}`;
    const unsubscribe = await t.db.listen(channel, (p) => got.push(p));
    await t.db.notify(channel, 'one');
    await t.db.transaction(async (tx) => {
      await tx.query('SELECT pg_notify($1, $2)', [channel, 'two']);
    });
    for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['one', 'two']);
    await unsubscribe();
    await t.db.notify(channel, 'three');
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual(['one', 'two']);
  });
});
