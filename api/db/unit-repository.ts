import { scopeSql, scopeSqlWithAncestors, type Scope } from '../auth/scope.ts';
import type { Queryable } from './database.ts';

export interface DepartmentRow {
  code: string;
  name_zh: string;
  name_en: string;
  /** The incident categories it leads (归口). */
  categories: string[];
}

/** The departments (reference data, not area-scoped), in their order, with the categories each leads. */
export async function listDepartments(db: Queryable): Promise<DepartmentRow[]> {
  const r = await db.query<DepartmentRow>(
    `SELECT d.code, d.name_zh, d.name_en,
            coalesce(array_agg(l.category_code ORDER BY l.category_code) FILTER (WHERE l.category_code IS NOT NULL), '{}') AS categories
     FROM departments d LEFT JOIN category_leads l ON l.department_code = d.code
     GROUP BY d.code ORDER BY min(d.sort)`,
  );
  return r.rows;
}

export interface UnitListRow {
  id: number;
  name: string;
  department: string;
  area_code: string;
  /** Open incidents it handles (within the caller's area). */
  open_incidents: number;
}

/**
 * The units of a town (or of every town the caller's area touches), by department order:
 * a village coordinator sees the units of their town, to transfer a matter to one of them.
 */
export async function listUnits(db: Queryable, scope: Scope, o: { area?: string }): Promise<UnitListRow[]> {
  const params: unknown[] = [];
  const where = [scopeSqlWithAncestors(scope, 'u.area_code', params)];
  if (o.area) {
    params.push(o.area);
    where.push(`(u.area_code LIKE $${params.length} || '%' OR $${params.length} LIKE u.area_code || '%')`);
  }
  const counted = scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params);
  const r = await db.query<UnitListRow>(
    `SELECT u.id, u.name, u.department_code AS department, u.area_code,
            (SELECT count(*)::int FROM incidents i
             WHERE i.lead_unit_id = u.id AND i.status NOT IN ('closed', 'rejected', 'merged') AND ${counted}) AS open_incidents
     FROM units u JOIN departments d ON d.code = u.department_code
     WHERE ${where.join(' AND ')}
     ORDER BY u.area_code, d.sort`,
    params,
  );
  return r.rows;
}
