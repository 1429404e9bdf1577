import type { Queryable } from './database.ts';

export interface CategoryRow {
  kind: string;
  code: string;
  parent_code: string | null;
  name_zh: string;
  name_en: string;
  deadline_amount: number | null;
  deadline_unit: string | null;
  team_capability: string | null;
  default_priority: number | null;
}

/** Reference categories (not area-scoped), optionally of one kind, by kind and code. */
export async function listCategories(db: Queryable, kind?: string): Promise<CategoryRow[]> {
  const r = await db.query<CategoryRow>(
    `SELECT kind, code, parent_code, name_zh, name_en, deadline_amount, deadline_unit, team_capability, default_priority
     FROM categories WHERE ($1::text IS NULL OR kind = $1) ORDER BY kind, code`,
    [kind ?? null],
  );
  return r.rows;
}
