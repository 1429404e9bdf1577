import type { TestApp } from './template.ts';

/**
 * Fixture villages under a town, with codes 900–999 that no real village uses. A shared
 * PostgreSQL test database outlives a file, so each file retires what it made.
 */
export class FixtureVillages {
  /** The codes made so far. */
  readonly made: string[] = [];

  constructor(
    private readonly t: () => TestApp,
    private readonly town: string,
  ) {}

  /** A village code of the town that is not in use yet (registered as made). */
  async freeCode(): Promise<{ code: string; n: number }> {
    const used = await this.t().db.query<{ code: string }>(
      `SELECT code FROM area_codes WHERE code LIKE $1 || '9%' AND length(code) = 12`,
      [this.town],
    );
    const taken = new Set(used.rows.map((r) => r.code));
    let n = 900 + Math.floor(Math.random() * 90);
    while (taken.has(`${this.town}${n}`)) n = n >= 999 ? 900 : n + 1;
    const code = `${this.town}${n}`;
    this.made.push(code);
    return { code, n };
  }

  /** Ends every fixture village and its grids, so none stays current. */
  async retire(): Promise<void> {
    await this.t().db.query(
      `UPDATE areas SET valid_to = clock_timestamp() WHERE valid_to IS NULL AND (code = ANY ($1) OR parent_code = ANY ($1))`,
      [this.made],
    );
  }
}
