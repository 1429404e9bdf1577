import { OutOfScopeError, scopeCovers, scopeSql, type Scope } from '../auth/scope.ts';
import {
  CLOCK_STOPPED,
  TRANSITIONS,
  allowedActions,
  type IncidentAction,
  type IncidentStatus,
} from '../lib/incident-lifecycle.ts';
import {
  DEFAULT_PERIODS,
  addWorkingMinutes,
  dayMinutes,
  deadline as computeDeadline,
  workingMinutesBetween,
  type DeadlineUnit,
  type WorkingCalendar,
} from '../lib/working-time.ts';
import type { Photo } from '../lib/photos.ts';
import { recordAudit } from './audit-repository.ts';
import type { Database, Queryable } from './database.ts';

/** A refusal that says why (4xx): bad input the database would accept, or a forbidden step. */
export class IncidentError extends Error {
  constructor(
    readonly statusCode: 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'IncidentError';
  }
}

const calendars = new WeakMap<Database, Promise<WorkingCalendar>>();

/** The working calendar from calendar_days (read once per database; see reloadCalendar). */
export function getCalendar(db: Database): Promise<WorkingCalendar> {
  let c = calendars.get(db);
  if (!c) {
    c = db
      .query<{ day: string; kind: string }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days`,
      )
      .then((r) => ({
        holidays: new Set(r.rows.filter((x) => x.kind === 'holiday').map((x) => x.day)),
        workdays: new Set(r.rows.filter((x) => x.kind === 'workday').map((x) => x.day)),
        periods: DEFAULT_PERIODS,
      }));
    calendars.set(db, c);
  }
  return c;
}

/** Forgets the cached calendar (after calendar_days changed). */
export function reloadCalendar(db: Database): void {
  calendars.delete(db);
}

export interface IncidentRow {
  id: number;
  client_key: string | null;
  category: string;
  category_name: string | null;
  channel: string;
  description: string;
  status: IncidentStatus;
  priority: number;
  reported_at: Date;
  deadline_at: Date | null;
  closed_at: Date | null;
  town_code: string | null;
  village_code: string | null;
  grid_code: string | null;
  team_capability: string | null;
  raised_by: number[];
  extension_pending_minutes: number | null;
  extended_minutes: number;
  rework_count: number;
  merged_into: number | null;
  site_id: number | null;
  reported_by: string | null;
  photo_count: number;
  lon: number;
  lat: number;
}

const INCIDENT_COLUMNS = `i.id, i.client_key, i.category, c.name_zh AS category_name, i.channel, i.description, i.status,
  i.priority, i.reported_at, i.deadline_at, i.closed_at, i.town_code, i.village_code, i.grid_code, i.team_capability,
  i.raised_by, i.extension_pending_minutes, i.extended_minutes, i.rework_count, i.merged_into, i.site_id, i.reported_by,
  (SELECT count(*)::int FROM incident_photos p WHERE p.incident_id = i.id) AS photo_count,
  ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat`;
const FROM_INCIDENTS = `FROM incidents i LEFT JOIN categories c ON c.kind = 'incident' AND c.code = i.category`;

/** The deadline clock of an incident at `now`: working minutes left (negative = overdue). */
export function clock(cal: WorkingCalendar, row: Pick<IncidentRow, 'deadline_at' | 'status'>, now: Date) {
  if (!row.deadline_at) return { minutesLeft: null, overdue: false };
  if (CLOCK_STOPPED.includes(row.status)) return { minutesLeft: null, overdue: false };
  const minutesLeft = Math.round(workingMinutesBetween(cal, now, row.deadline_at));
  return { minutesLeft, overdue: now > row.deadline_at };
}

export interface IntakeInput {
  clientKey: string;
  category: string;
  lon: number;
  lat: number;
  description: string;
  channel: string;
  reporter?: { name?: string; phone?: string };
  siteId?: number;
  /** Report time (defaults to now); routing uses the area versions valid then. */
  reportedAt?: Date;
  /** Checked photos (api/lib/photos.ts). */
  photos?: Photo[];
}

export interface RiskHit {
  id: number;
  name: string;
  level: number;
}

export interface IntakeResult {
  incident: IncidentRow;
  created: boolean;
  raisedBy: RiskHit[];
  possibleDuplicates: Array<{ id: number; distance_m: number; reported_at: Date; status: string }>;
}

/** Dongguan's rough extent, to tell a point that is merely outside from one with lon/lat swapped. */
const CITY_BOX = { minLon: 113.4, maxLon: 114.4, minLat: 22.4, maxLat: 23.3 };

/**
 * One intake for every channel: routes the point to its grid, village and town (the
 * area versions valid at report time), the matter to its team capability (category),
 * computes the deadline in working time and the priority (raised inside the impact zone
 * of a level-1/2 risk source), offers possible duplicates, and stores the incident with
 * its first timeline entry and audit record — all in one transaction. The same client
 * key returns the stored incident and never creates a second one.
 */
export async function intake(db: Database, scope: Scope, input: IntakeInput): Promise<IntakeResult> {
  const existing = await findByClientKey(db, input.clientKey);
  if (existing) return { ...(await describeExisting(db, scope, existing)), created: false };

  const cat = await db.query<{
    deadline_amount: number;
    deadline_unit: DeadlineUnit;
    team_capability: string;
    default_priority: number;
  }>(
    `SELECT deadline_amount, deadline_unit, team_capability, default_priority
     FROM categories WHERE kind = 'incident' AND code = $1 AND parent_code IS NOT NULL`,
    [input.category],
  );
  const category = cat.rows[0];
  if (!category) {
    throw new IncidentError(
      422,
      `body/category: '${input.category}' is not an incident category (see GET /api/categories?kind=incident)`,
    );
  }
  const { lon, lat } = input;
  const inBox = (x: number, y: number) =>
    x >= CITY_BOX.minLon && x <= CITY_BOX.maxLon && y >= CITY_BOX.minLat && y <= CITY_BOX.maxLat;
  if (!inBox(lon, lat) && inBox(lat, lon)) {
    throw new IncidentError(
      422,
      `body: lon ${lon} / lat ${lat} look swapped: longitude comes first (about 113.5–114.3 here)`,
    );
  }
  const reportedAt = input.reportedAt ?? new Date();
  const areas = await db.query<{ level: string; code: string }>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS pt)
     SELECT level, code FROM areas, p
     WHERE geom && p.pt AND ST_Intersects(geom, p.pt) AND level IN ('town', 'village', 'grid')
       AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)
     -- a point on a shared boundary belongs to the lower code: the same answer every time
     ORDER BY length(code), code`,
    [lon, lat, reportedAt],
  );
  // The smallest area decides and its code names its parents, so grid, village and town
  // always agree, also for a point on a boundary (which goes to the lower code).
  const at = (level: string) => areas.rows.find((a) => a.level === level)?.code ?? null;
  const grid = at('grid');
  const village = grid ? grid.slice(0, 12) : at('village');
  const town = village ? village.slice(0, 9) : at('town');
  if (!town) throw new IncidentError(422, `body: the point ${lon}, ${lat} lies outside the city's towns`);
  const areaCode = grid ?? village ?? town;
  if (!scopeCovers(scope, areaCode)) throw new OutOfScopeError(`the point ${lon}, ${lat} (${areaCode})`);

  const hits = await db.query<RiskHit>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS pt)
     SELECT r.id, r.name, r.level FROM risk_sources r, p
     WHERE ST_Expand(r.geom, r.impact_radius_m / 100000.0) && p.pt
       AND ST_DWithin(r.geom::geography, p.pt::geography, r.impact_radius_m)
     ORDER BY r.level, r.id`,
    [lon, lat],
  );
  const severe = hits.rows.some((h) => h.level <= 2);
  const priority = severe ? Math.max(1, category.default_priority - 1) : category.default_priority;
  const cal = await getCalendar(db);
  const deadlineAt = computeDeadline(cal, reportedAt, category.deadline_amount, category.deadline_unit);

  const result = await db.transaction(async (tx) => {
    const ins = await tx.query<{ id: number }>(
      `INSERT INTO incidents (client_key, category, channel, description, status, priority, reported_at, deadline_at,
                              town_code, village_code, grid_code, site_id, reporter, reported_by, team_capability, raised_by, geom)
       VALUES ($1, $2, $3, $4, 'reported', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, ST_SetSRID(ST_MakePoint($16, $17), 4326))
       ON CONFLICT (client_key) DO NOTHING
       RETURNING id`,
      [
        input.clientKey,
        input.category,
        input.channel,
        input.description,
        priority,
        reportedAt,
        deadlineAt,
        town,
        village,
        grid,
        input.siteId ?? null,
        input.reporter ? JSON.stringify(input.reporter) : null,
        scope.name,
        category.team_capability,
        hits.rows.filter((h) => h.level <= 2).map((h) => h.id),
        lon,
        lat,
      ],
    );
    const id = ins.rows[0]?.id;
    if (id === undefined) return null; // the same key won a race: answer with that one
    for (const [i, photo] of (input.photos ?? []).entries()) {
      await tx.query(
        'INSERT INTO incident_photos (incident_id, seq, content_type, bytes) VALUES ($1, $2, $3, $4)',
        [id, i + 1, photo.contentType, photo.bytes],
      );
    }
    await tx.query(
      `INSERT INTO incident_events (incident_id, actor, action, to_status, note) VALUES ($1, $2, 'report', 'reported', $3)`,
      [
        id,
        scope.name,
        `${input.channel}${hits.rows.length ? `; inside the impact zone of risk source(s) ${hits.rows.map((h) => h.id).join(', ')}` : ''}`,
      ],
    );
    await recordAudit(tx, scope, {
      action: 'incident.report',
      targetType: 'incident',
      targetId: String(id),
      after: { category: input.category, priority, gridCode: grid, channel: input.channel },
    });
    await tx.query(`SELECT pg_notify('incidents', $1)`, [JSON.stringify({ id, op: 'report' })]);
    return id;
  });
  if (result === null) {
    const again = await findByClientKey(db, input.clientKey);
    if (!again) throw new Error('incident vanished after a client-key conflict');
    return { ...(await describeExisting(db, scope, again)), created: false };
  }
  const incident = (await getIncident(db, scope, result))!;
  return {
    incident,
    created: true,
    raisedBy: hits.rows,
    possibleDuplicates: await duplicatesOf(db, scope, incident),
  };
}

async function findByClientKey(db: Queryable, key: string): Promise<number | null> {
  const r = await db.query<{ id: number }>('SELECT id FROM incidents WHERE client_key = $1', [key]);
  return r.rows[0]?.id ?? null;
}

async function describeExisting(db: Database, scope: Scope, id: number) {
  const incident = (await getIncident(db, scope, id))!;
  const hits = await db.query<RiskHit>(
    'SELECT id, name, level FROM risk_sources WHERE id = ANY ($1::bigint[]) ORDER BY level, id',
    [incident.raised_by],
  );
  return { incident, raisedBy: hits.rows, possibleDuplicates: await duplicatesOf(db, scope, incident) };
}

/** Open incidents of the same category within 100 m and 24 h of this one (possible duplicates), inside the scope. */
export async function duplicatesOf(db: Queryable, scope: Scope, inc: IncidentRow) {
  const params: unknown[] = [inc.id, inc.lon, inc.lat, inc.category, inc.reported_at];
  const inScope = scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params);
  const r = await db.query<{ id: number; distance_m: number; reported_at: Date; status: string }>(
    `WITH me AS (SELECT ST_SetSRID(ST_MakePoint($2, $3), 4326) AS pt)
     SELECT i.id, ST_Distance(i.geom::geography, me.pt::geography) AS distance_m, i.reported_at, i.status
     FROM incidents i, me
     WHERE i.id <> $1 AND i.category = $4 AND i.status NOT IN ('closed', 'rejected', 'merged')
       AND i.reported_at BETWEEN $5::timestamptz - interval '24 hours' AND $5::timestamptz + interval '24 hours'
       AND i.geom && ST_Expand(me.pt, 0.002) AND ST_DWithin(i.geom::geography, me.pt::geography, 100)
       AND ${inScope}
     ORDER BY distance_m LIMIT 20`,
    params,
  );
  return r.rows;
}

/** One incident inside the scope; null when there is none; OutOfScopeError when it is elsewhere. */
export async function getIncident(db: Queryable, scope: Scope, id: number): Promise<IncidentRow | null> {
  const r = await db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} ${FROM_INCIDENTS} WHERE i.id = $1`, [id]);
  const row = r.rows[0];
  if (!row) return null;
  if (!scopeCovers(scope, row.grid_code ?? row.village_code ?? row.town_code))
    throw new OutOfScopeError(`incident ${id}`);
  return row;
}

export interface TimelineRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
}

/** The append-only timeline of an incident, oldest first (the caller has read the incident). */
export async function timeline(db: Queryable, _scope: Scope, id: number): Promise<TimelineRow[]> {
  const r = await db.query<TimelineRow>(
    'SELECT id, at, actor, action, from_status, to_status, note FROM incident_events WHERE incident_id = $1 ORDER BY id',
    [id],
  );
  return r.rows;
}

export interface QueueFilter {
  status?: string;
  category?: string;
  town?: string;
  overdue?: boolean;
  limit: number;
}

/** Open incidents inside the scope, by deadline (soonest first), for the dispatcher queue. */
export async function queue(db: Queryable, scope: Scope, f: QueueFilter): Promise<IncidentRow[]> {
  const params: unknown[] = [
    f.status ?? null,
    f.category ?? null,
    f.town ?? null,
    f.overdue ?? null,
    f.limit,
  ];
  const r = await db.query<IncidentRow>(
    `SELECT ${INCIDENT_COLUMNS} ${FROM_INCIDENTS}
     WHERE i.status NOT IN ('closed', 'rejected', 'merged')
       AND ($1::text IS NULL OR i.status = $1) AND ($2::text IS NULL OR left(i.category, length($2)) = $2)
       AND ($3::text IS NULL OR i.town_code = $3)
       AND ($4::boolean IS NULL OR (i.deadline_at < now() AND i.status NOT IN ('resolved', 'verified')) = $4)
       AND ${scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params)}
     ORDER BY i.deadline_at NULLS LAST, i.priority, i.id
     LIMIT $5`,
    params,
  );
  return r.rows;
}

export interface TransitionInput {
  action: IncidentAction;
  note?: string;
  /** request_extension: working hours asked for. */
  hours?: number;
  /** merge: the master incident this one duplicates. */
  into?: number;
}

/**
 * Moves an incident through the state machine, with a timeline entry and an audit
 * record in the same transaction. 404 when missing, 403 outside the scope or without
 * the action's permission (checked by the caller), 409 naming the allowed actions
 * when the state machine does not allow it (also when another change got there first).
 */
export async function transition(
  db: Database,
  scope: Scope,
  id: number,
  t: TransitionInput,
): Promise<IncidentRow> {
  const rule = TRANSITIONS[t.action];
  const cal = await getCalendar(db);
  await db.transaction(async (tx) => {
    const cur = await tx.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS} ${FROM_INCIDENTS} WHERE i.id = $1 FOR UPDATE OF i`,
      [id],
    );
    const row = cur.rows[0];
    if (!row) throw new IncidentError(404, `no incident ${id}`);
    if (!scopeCovers(scope, row.grid_code ?? row.village_code ?? row.town_code))
      throw new OutOfScopeError(`incident ${id}`);
    if (!rule.from.includes(row.status)) {
      const allowed = allowedActions(row.status);
      throw new IncidentError(
        409,
        `incident ${id} is ${row.status}: '${t.action}' is not allowed; allowed: ${allowed.join(', ') || 'none'}`,
      );
    }
    let deadlineAt = row.deadline_at;
    let pending = row.extension_pending_minutes;
    let extended = row.extended_minutes;
    let rework = row.rework_count;
    if (t.action === 'request_extension') {
      if (!t.hours)
        throw new IncidentError(422, 'body/hours: an extension request needs the working hours asked for');
      if (pending) throw new IncidentError(409, `incident ${id} already has an extension request pending`);
      pending = Math.round(t.hours * 60);
    } else if (t.action === 'grant_extension' || t.action === 'deny_extension') {
      if (!pending) throw new IncidentError(409, `incident ${id} has no extension request pending`);
      if (t.action === 'grant_extension' && deadlineAt) {
        deadlineAt = addWorkingMinutes(cal, deadlineAt, pending);
        extended += pending;
      }
      pending = null;
    } else if (t.action === 'verify_fail') {
      rework += 1;
    }
    let mergedInto: number | null = row.merged_into;
    if (t.action === 'merge') {
      if (!t.into) throw new IncidentError(422, 'body/into: a merge needs the master incident');
      if (t.into === id) throw new IncidentError(422, 'body/into: an incident cannot be merged into itself');
      const master = await tx.query<{ id: number; status: IncidentStatus; area: string | null }>(
        `SELECT id, status, coalesce(grid_code, village_code, town_code) AS area FROM incidents WHERE id = $1 FOR UPDATE`,
        [t.into],
      );
      const m = master.rows[0];
      if (!m) throw new IncidentError(422, `body/into: no incident ${t.into}`);
      if (!scopeCovers(scope, m.area)) throw new OutOfScopeError(`incident ${t.into}`);
      if (m.status === 'merged')
        throw new IncidentError(409, `incident ${t.into} is itself merged; merge into its master`);
      mergedInto = m.id;
      await tx.query(
        `INSERT INTO incident_events (incident_id, actor, action, note) VALUES ($1, $2, 'merged_in', $3)`,
        [m.id, scope.name, `incident ${id} merged into this one${t.note ? `: ${t.note}` : ''}`],
      );
    }
    const to = rule.to ?? row.status;
    await tx.query(
      `UPDATE incidents SET status = $2, deadline_at = $3, extension_pending_minutes = $4, extended_minutes = $5,
              rework_count = $6, closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE closed_at END, updated_at = now(),
              merged_into = $7
       WHERE id = $1`,
      [id, to, deadlineAt, pending, extended, rework, mergedInto],
    );
    const note = [
      t.note,
      t.action === 'request_extension' ? `asks ${t.hours} working hours` : null,
      t.action === 'merge' ? `duplicate of incident ${mergedInto}` : null,
    ]
      .filter(Boolean)
      .join('; ');
    await tx.query(
      `INSERT INTO incident_events (incident_id, actor, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, scope.name, t.action, row.status, to, note || null],
    );
    await recordAudit(tx, scope, {
      action: `incident.${t.action}`,
      targetType: 'incident',
      targetId: String(id),
      before: { status: row.status, deadlineAt: row.deadline_at },
      after: { status: to, deadlineAt },
    });
    await tx.query(`SELECT pg_notify('incidents', $1)`, [JSON.stringify({ id, op: t.action })]);
  });
  return (await getIncident(db, scope, id))!;
}

/** Minutes of working time in a working day (for showing days). */
export async function workingDayMinutes(db: Database): Promise<number> {
  return dayMinutes(await getCalendar(db));
}

export interface Open311Filter {
  ids?: number[];
  serviceCodes?: string[];
  from?: string;
  to?: string;
  /** 'open' | 'closed' (closed = closed, rejected or merged). */
  statuses?: string[];
  limit: number;
}

/** Incidents for Open311 GET requests, inside the scope, newest first (at most `limit`; 90 days by default). */
export async function open311Requests(
  db: Queryable,
  scope: Scope,
  f: Open311Filter,
): Promise<(IncidentRow & { updated_at: Date })[]> {
  const params: unknown[] = [
    f.ids ?? null,
    f.serviceCodes ?? null,
    f.from ?? null,
    f.to ?? null,
    f.statuses ?? null,
    f.limit,
  ];
  const r = await db.query<IncidentRow & { updated_at: Date }>(
    `SELECT ${INCIDENT_COLUMNS}, i.updated_at ${FROM_INCIDENTS}
     WHERE ($1::bigint[] IS NULL OR i.id = ANY ($1))
       AND ($2::text[] IS NULL OR i.category = ANY ($2))
       AND (i.reported_at >= coalesce($3::timestamptz, CASE WHEN $1::bigint[] IS NULL THEN now() - interval '90 days' END, '-infinity'))
       AND ($4::timestamptz IS NULL OR i.reported_at < $4)
       AND ($5::text[] IS NULL OR (CASE WHEN i.status IN ('closed', 'rejected', 'merged') THEN 'closed' ELSE 'open' END) = ANY ($5))
       AND ${scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params)}
     ORDER BY i.reported_at DESC, i.id DESC LIMIT $6`,
    params,
  );
  return r.rows;
}

/** One photo of an incident inside the scope; null when the incident or the photo does not exist. */
export async function getPhoto(
  db: Queryable,
  scope: Scope,
  id: number,
  seq: number,
): Promise<{ content_type: string; bytes: Buffer } | null> {
  if (!(await getIncident(db, scope, id))) return null;
  const r = await db.query<{ content_type: string; bytes: Uint8Array }>(
    'SELECT content_type, bytes FROM incident_photos WHERE incident_id = $1 AND seq = $2',
    [id, seq],
  );
  const row = r.rows[0];
  return row ? { content_type: row.content_type, bytes: Buffer.from(row.bytes) } : null;
}
