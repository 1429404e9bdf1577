import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  OutOfScopeError,
  isCityWide,
  scopeCovers,
  scopePrefixes,
  scopeSql,
  type Scope,
} from '../auth/scope.ts';
import {
  CLOCK_STOPPED,
  TRANSITIONS,
  allowedActions,
  type IncidentAction,
  COORDINATING_DEPARTMENT,
  UNIT_MOVES,
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
import { DomainError, NotFoundError } from '../lib/errors.ts';
import type { Photo } from '../lib/photos.ts';
import { groupCommit } from '../lib/group-commit.ts';
import { openTasks } from './task-repository.ts';
import { recordAudit } from './audit-repository.ts';
import { redispatchForRework, syncDispatch, type DispatchStep } from './dispatch-sync.ts';
import type { Database, Queryable } from './database.ts';

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
  /** Random code a citizen follows the report with (reports made without an account only). */
  tracking_code: string | null;
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
  /** The unit handling it (归口), its name and department; null outside any town. */
  lead_unit_id: number | null;
  lead_unit_name: string | null;
  lead_department: string | null;
  /** Times it has moved between units (transfer, send back, assign). */
  handoffs: number;
  /** The time by which the open supervision order (督办) must be answered; null without one. */
  supervision_due: Date | null;
  lon: number;
  lat: number;
}

const INCIDENT_COLUMNS = `i.id, i.client_key, i.tracking_code, i.category, c.name_zh AS category_name, i.channel, i.description, i.status,
  i.priority, i.reported_at, i.deadline_at, i.closed_at, i.town_code, i.village_code, i.grid_code, i.team_capability,
  i.raised_by, i.extension_pending_minutes, i.extended_minutes, i.rework_count, i.merged_into, i.site_id, i.reported_by,
  (SELECT count(*)::int FROM incident_photos p WHERE p.incident_id = i.id) AS photo_count,
  i.lead_unit_id, lu.name AS lead_unit_name, lu.department_code AS lead_department, i.handoffs,
  (SELECT min(s.respond_by) FROM incident_supervisions s WHERE s.incident_id = i.id AND s.answered_at IS NULL) AS supervision_due,
  ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat`;
const FROM_INCIDENTS = `FROM incidents i LEFT JOIN categories c ON c.kind = 'incident' AND c.code = i.category
  LEFT JOIN units lu ON lu.id = i.lead_unit_id`;

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

const INTAKE_SQL = readFileSync(fileURLToPath(new URL('./incident-intake.sql', import.meta.url)), 'utf8');
const DUPLICATES_SQL = readFileSync(
  fileURLToPath(new URL('./incident-duplicates.sql', import.meta.url)),
  'utf8',
);

interface IncidentCategory {
  name_zh: string;
  deadline_amount: number;
  deadline_unit: DeadlineUnit;
  team_capability: string;
  default_priority: number;
}

const categoryCaches = new WeakMap<Database, { at: number; map: Promise<Map<string, IncidentCategory>> }>();

/**
 * The incident 小类 by code (a reference table: read once per database and again, at most
 * every 10 s, when a code is missing, so a category added at run time is picked up).
 */
async function incidentCategory(db: Database, code: string): Promise<IncidentCategory | null> {
  const load = () =>
    db
      .query<IncidentCategory & { code: string }>(
        `SELECT code, name_zh, deadline_amount, deadline_unit, team_capability, default_priority
         FROM categories WHERE kind = 'incident' AND parent_code IS NOT NULL`,
      )
      .then((r) => new Map(r.rows.map((c) => [c.code, c])));
  let cache = categoryCaches.get(db);
  if (!cache) {
    cache = { at: Date.now(), map: load() };
    categoryCaches.set(db, cache);
  }
  const hit = (await cache.map).get(code);
  if (hit || Date.now() - cache.at < 10_000) return hit ?? null;
  cache = { at: Date.now(), map: load() };
  categoryCaches.set(db, cache);
  return (await cache.map).get(code) ?? null;
}

/**
 * Whose idempotency keys a scope's reports use: each user and each API key has its own, and
 * every report made without an account shares the public one. A key is unique only within
 * its namespace, so one caller's key can neither swallow nor reveal another caller's report.
 */
export function clientNamespace(scope: Scope): string {
  if ((scope.kind === 'user' || scope.kind === 'api_key') && scope.id !== null)
    return `${scope.kind}:${scope.id}`;
  return scope.kind === 'anonymous' ? 'public' : 'system';
}

/** One report as the batch statement takes it: checked, with its deadline worked out. */
interface IntakeItem {
  input: IntakeInput;
  scope: Scope;
  /** clientNamespace(scope) */
  ns: string;
  /** For a report made without an account: the code its reporter follows it with. */
  trackingCode: string | null;
  category: IncidentCategory;
  reportedAt: Date;
  deadlineAt: Date;
}

/** What the batch statement answers for one report. */
interface IntakeOutcome {
  routedTown: string | null;
  routedGrid: string | null;
  routedVillage: string | null;
  hits: RiskHit[];
  /** The stored row; null when nothing was inserted (outside, out of scope, or a known client key). */
  row: IncidentRow | null;
  /** Possible duplicates of the stored row (empty when nothing was inserted). */
  duplicates: Duplicate[];
}

/**
 * Runs the intake statement for a batch (all in one statement, hence one commit). Items
 * whose client key repeats an earlier one of the same batch go in a second round, where
 * they meet the stored incident like any retry.
 */
async function intakeBatch(q: Queryable, items: IntakeItem[]): Promise<IntakeOutcome[]> {
  const seen = new Set<string>();
  const first: number[] = [];
  const again: number[] = [];
  items.forEach((it, i) => {
    const key = `${it.ns} ${it.input.clientKey}`;
    if (seen.has(key)) again.push(i);
    else {
      seen.add(key);
      first.push(i);
    }
  });
  const out: IntakeOutcome[] = new Array(items.length);
  for (const round of [first, again]) {
    if (round.length === 0) continue;
    const batch = round.map((i) => items[i]!);
    const col = <T>(f: (it: IntakeItem) => T) => batch.map(f);
    const r = await q.query<
      IncidentRow & {
        ord: number;
        routed_town: string | null;
        routed_village: string | null;
        routed_grid: string | null;
        hits: RiskHit[];
        duplicates: Array<Omit<Duplicate, 'reported_at'> & { reported_at: string }>;
      }
    >(
      INTAKE_SQL,
      [
        col((it) => it.input.clientKey),
        col((it) => it.input.category),
        col((it) => it.input.channel),
        col((it) => it.input.description),
        col((it) => it.input.lon),
        col((it) => it.input.lat),
        col((it) => it.reportedAt.toISOString()),
        col((it) => it.deadlineAt.toISOString()),
        col((it) => it.category.default_priority),
        col((it) => it.category.team_capability),
        col((it) => it.input.siteId ?? null),
        col((it) => (it.input.reporter ? JSON.stringify(it.input.reporter) : null)),
        col((it) => it.scope.id),
        col((it) => it.scope.name),
        col((it) => it.scope.kind),
        col((it) => (isCityWide(it.scope) ? null : scopePrefixes(it.scope).join(','))),
        col((it) => it.ns),
        col((it) => it.trackingCode),
      ],
      { prepare: 'riskmap_intake' },
    );
    for (const row of r.rows) {
      const it = batch[row.ord - 1]!;
      out[round[row.ord - 1]!] = {
        routedTown: row.routed_town,
        routedVillage: row.routed_village,
        routedGrid: row.routed_grid,
        hits: row.hits,
        duplicates: row.duplicates.map((d) => ({ ...d, reported_at: new Date(d.reported_at) })),
        row:
          row.id === null || row.id === undefined
            ? null
            : {
                id: row.id,
                client_key: row.client_key,
                tracking_code: row.tracking_code,
                category: row.category,
                category_name: it.category.name_zh,
                channel: row.channel,
                description: row.description,
                status: row.status,
                priority: row.priority,
                reported_at: new Date(row.reported_at),
                deadline_at: row.deadline_at === null ? null : new Date(row.deadline_at),
                closed_at: row.closed_at,
                town_code: row.town_code,
                village_code: row.village_code,
                grid_code: row.grid_code,
                team_capability: row.team_capability,
                raised_by: row.raised_by,
                extension_pending_minutes: row.extension_pending_minutes,
                extended_minutes: row.extended_minutes,
                rework_count: row.rework_count,
                merged_into: row.merged_into,
                site_id: row.site_id,
                reported_by: row.reported_by,
                photo_count: it.input.photos?.length ?? 0,
                lead_unit_id: row.lead_unit_id,
                lead_unit_name: row.lead_unit_name,
                lead_department: row.lead_department,
                handoffs: 0,
                supervision_due: null,
                lon: it.input.lon,
                lat: it.input.lat,
              },
      };
    }
  }
  return out;
}

/** A database refusal of one report in words the reporter can act on (else the error itself). */
function explainIntakeError(err: unknown, input: IntakeInput): Error {
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23503' && e.constraint === 'incidents_site_id_fkey') {
    return new DomainError(422, 'site_unknown', `body/siteId: there is no site ${input.siteId}`, {
      siteId: input.siteId ?? null,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The batch writer of a database: concurrent reports share statements and commits
 * (api/lib/group-commit.ts). When a batch fails as a whole (one bad row), each of its
 * reports is tried alone, so only the bad one gets the error.
 */
const writers = new WeakMap<Database, (item: IntakeItem) => Promise<IntakeOutcome>>();
function writerFor(db: Database): (item: IntakeItem) => Promise<IntakeOutcome> {
  let w = writers.get(db);
  if (!w) {
    w = groupCommit<IntakeItem, IntakeOutcome>(
      async (items) => {
        try {
          return await intakeBatch(db, items);
        } catch {
          // one bad report fails the statement for all: try each alone
          const out: Array<IntakeOutcome | Error> = [];
          for (const it of items) {
            out.push(
              await intakeBatch(db, [it]).then(
                (o) => o[0]!,
                (e: unknown) => explainIntakeError(e, it.input),
              ),
            );
          }
          return out;
        }
      },
      // one batch at a time: reports that arrive meanwhile make the next batch bigger, which
      // costs less per report than a second batch competing for the same two cores
      // (p95 at 1,000 reports/s rose from about 15 to about 30 ms with two in flight)
      { maxBatch: 200, concurrency: 1 },
    );
    writers.set(db, w);
  }
  return w;
}

/**
 * One intake for every channel: routes the point to its grid, village and town (the
 * area versions valid at report time), the matter to its team capability (category),
 * computes the deadline in working time and the priority (raised inside the impact zone
 * of a level-1/2 risk source), offers possible duplicates, and stores the incident with
 * its first timeline entry and audit record in one statement, so it is stored entirely or
 * not at all. Reports that arrive together share that statement (group commit). The same
 * client key returns the stored incident and never creates a second one.
 */
export async function intake(db: Database, scope: Scope, input: IntakeInput): Promise<IntakeResult> {
  const category = await incidentCategory(db, input.category);
  if (!category) {
    throw new DomainError(
      422,
      'category_unknown',
      `body/category: '${input.category}' is not an incident category (see GET /api/categories?kind=incident)`,
      { category: input.category },
    );
  }
  const { lon, lat } = input;
  const inBox = (x: number, y: number) =>
    x >= CITY_BOX.minLon && x <= CITY_BOX.maxLon && y >= CITY_BOX.minLat && y <= CITY_BOX.maxLat;
  if (!inBox(lon, lat) && inBox(lat, lon)) {
    throw new DomainError(
      422,
      'coordinates_swapped',
      `body: lon ${lon} / lat ${lat} look swapped: longitude comes first (about 113.5–114.3 here)`,
      { lon, lat },
    );
  }
  const reportedAt = input.reportedAt ?? new Date();
  const cal = await getCalendar(db);
  const deadlineAt = computeDeadline(cal, reportedAt, category.deadline_amount, category.deadline_unit);
  const ns = clientNamespace(scope);
  const trackingCode = scope.kind === 'anonymous' ? randomBytes(12).toString('base64url') : null;
  const item: IntakeItem = { input, scope, ns, trackingCode, category, reportedAt, deadlineAt };

  let outcome: IntakeOutcome;
  if (input.photos?.length) {
    // photos go in the same transaction as the incident: all of it or none
    outcome = await db.transaction(async (tx) => {
      const [o] = await intakeBatch(tx, [item]).catch((e: unknown) => {
        throw explainIntakeError(e, input);
      });
      if (o!.row) {
        for (const [i, photo] of input.photos!.entries()) {
          await tx.query(
            'INSERT INTO incident_photos (incident_id, seq, content_type, bytes) VALUES ($1, $2, $3, $4)',
            [o!.row.id, i + 1, photo.contentType, photo.bytes],
          );
        }
      }
      return o!;
    });
  } else {
    outcome = await writerFor(db)(item);
  }

  if (!outcome.row) {
    if (!outcome.routedTown) {
      throw new DomainError(
        422,
        'position_outside_city',
        `body: the point ${lon}, ${lat} lies outside the city's towns`,
        { lon, lat },
      );
    }
    const areaCode = outcome.routedGrid ?? outcome.routedVillage ?? outcome.routedTown;
    if (!scopeCovers(scope, areaCode)) throw new OutOfScopeError(`the point ${lon}, ${lat} (${areaCode})`);
    // not inserted, inside the city and the scope: this client stored the key before
    const existing = await findByClientKey(db, ns, input.clientKey);
    if (!existing) throw new Error('incident vanished after a client-key conflict');
    // Reports made without an account share one namespace: only a true retry (the same
    // report again) gets it back, so a guessed key reveals nothing of someone else's report.
    if (scope.kind === 'anonymous' && !sameReport(existing, input)) {
      throw new DomainError(
        409,
        'client_key_used',
        'body/clientKey: this key was already used for a different report; send the report with a new key',
        { field: 'clientKey' },
      );
    }
    return { ...(await describeExisting(db, scope, existing.id)), created: false };
  }
  return {
    incident: outcome.row,
    created: true,
    raisedBy: outcome.hits,
    possibleDuplicates: outcome.duplicates,
  };
}

interface StoredReport {
  id: number;
  category: string;
  description: string;
  lon: number;
  lat: number;
}

async function findByClientKey(db: Queryable, ns: string, key: string): Promise<StoredReport | null> {
  const r = await db.query<StoredReport>(
    `SELECT id, category, description, ST_X(geom) AS lon, ST_Y(geom) AS lat
     FROM incidents WHERE client_ns = $1 AND client_key = $2`,
    [ns, key],
  );
  return r.rows[0] ?? null;
}

/** Whether a retry carries the report that is stored under its key (positions to about 1 cm). */
function sameReport(stored: StoredReport, input: IntakeInput): boolean {
  return (
    stored.category === input.category &&
    stored.description === input.description &&
    Math.abs(stored.lon - input.lon) < 1e-7 &&
    Math.abs(stored.lat - input.lat) < 1e-7
  );
}

async function describeExisting(db: Database, scope: Scope, id: number) {
  const incident = (await getIncident(db, scope, id))!;
  // a citizen's retry gets back its own report's number and status only
  if (scope.kind === 'anonymous') return { incident, raisedBy: [], possibleDuplicates: [] };
  const hits = await db.query<RiskHit>(
    'SELECT id, name, level FROM risk_sources WHERE id = ANY ($1::bigint[]) ORDER BY level, id',
    [incident.raised_by],
  );
  return { incident, raisedBy: hits.rows, possibleDuplicates: await duplicatesOf(db, scope, incident) };
}

export interface Duplicate {
  id: number;
  distance_m: number;
  reported_at: Date;
  status: string;
}

interface DuplicateAsk {
  scope: Scope;
  inc: Pick<IncidentRow, 'id' | 'lon' | 'lat' | 'category' | 'reported_at'>;
}

/** Answers many duplicate searches in one query (see incident-duplicates.sql). */
async function duplicatesBatch(db: Queryable, asks: DuplicateAsk[]): Promise<Duplicate[][]> {
  const r = await db.query<Duplicate & { ord: number }>(
    DUPLICATES_SQL,
    [
      asks.map((a) => a.inc.id),
      asks.map((a) => a.inc.lon),
      asks.map((a) => a.inc.lat),
      asks.map((a) => a.inc.category),
      asks.map((a) => new Date(a.inc.reported_at).toISOString()),
      asks.map((a) => (isCityWide(a.scope) ? null : scopePrefixes(a.scope).join(','))),
    ],
    { prepare: 'riskmap_duplicates' },
  );
  const out: Duplicate[][] = asks.map(() => []);
  for (const { ord, ...d } of r.rows) out[ord - 1]!.push({ ...d, reported_at: new Date(d.reported_at) });
  return out;
}

const duplicateReaders = new WeakMap<Queryable, (ask: DuplicateAsk) => Promise<Duplicate[]>>();

/**
 * Open incidents of the same category within 100 m and 24 h of this one (possible
 * duplicates), inside the scope, nearest first. Concurrent searches share one query.
 */
export function duplicatesOf(db: Queryable, scope: Scope, inc: DuplicateAsk['inc']): Promise<Duplicate[]> {
  let read = duplicateReaders.get(db);
  if (!read) {
    read = groupCommit<DuplicateAsk, Duplicate[]>((asks) => duplicatesBatch(db, asks), {
      maxBatch: 200,
      concurrency: 2,
    });
    duplicateReaders.set(db, read);
  }
  return read({ scope, inc });
}

/** A video camera near an incident (雪亮工程). */
export interface NearbyCamera {
  id: number;
  code: string;
  name: string;
  distance_m: number;
}

/** The cameras within `radiusM` of a point, inside the scope, nearest first (at most 20). */
export async function nearbyCameras(
  db: Queryable,
  scope: Scope,
  at: { lon: number; lat: number },
  radiusM = 300,
): Promise<NearbyCamera[]> {
  const params: unknown[] = [at.lon, at.lat, radiusM];
  const inScope = scopeSql(scope, 'coalesce(c.grid_code, c.village_code, c.town_code)', params);
  const r = await db.query<NearbyCamera>(
    `SELECT c.id, c.code, c.name,
            ST_Distance(c.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m
     FROM cameras c
     -- a bbox of the radius (0.01° ≥ 1 km here) lets the GiST index pick the candidates
     WHERE c.geom && ST_Expand(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3 / 100000.0 * 1.2)
       AND ST_DWithin(c.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3)
       AND ${inScope}
     ORDER BY distance_m, c.id LIMIT 20`,
    params,
  );
  return r.rows;
}

/** Where an incident is and who it needs: the little dispatch reads, in one prepared query. */
export interface IncidentPlace {
  id: number;
  team_capability: string | null;
  grid_code: string | null;
  lon: number;
  lat: number;
}

/** An incident's place and needed capability; null when there is none or it lies outside the scope. */
export async function incidentPlace(db: Queryable, scope: Scope, id: number): Promise<IncidentPlace | null> {
  const r = await db.query<IncidentPlace & { area: string | null }>(
    `SELECT id, team_capability, grid_code, coalesce(grid_code, village_code, town_code) AS area,
            ST_X(geom) AS lon, ST_Y(geom) AS lat
     FROM incidents WHERE id = $1`,
    [id],
    { prepare: 'riskmap_incident_place' },
  );
  const row = r.rows[0];
  if (!row || !scopeCovers(scope, row.area)) return null;
  const { area: _, ...place } = row;
  return place;
}

/** One incident inside the scope; null when there is none or it lies elsewhere (the two answer alike). */
export async function getIncident(db: Queryable, scope: Scope, id: number): Promise<IncidentRow | null> {
  const r = await db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} ${FROM_INCIDENTS} WHERE i.id = $1`, [id]);
  const row = r.rows[0];
  if (!row || !scopeCovers(scope, row.grid_code ?? row.village_code ?? row.town_code)) return null;
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
  /** A hop between units: the units it left and joined (id, name, department). */
  from_unit: UnitRow | null;
  to_unit: UnitRow | null;
}

/** A department's unit in a town. */
export interface UnitRow {
  id: number;
  name: string;
  department: string;
}

/** The append-only timeline of an incident, oldest first (the caller has read the incident). */
export async function timeline(db: Queryable, _scope: Scope, id: number): Promise<TimelineRow[]> {
  const r = await db.query<TimelineRow>(
    `SELECT e.id, e.at, e.actor, e.action, e.from_status, e.to_status, e.note,
            CASE WHEN fu.id IS NOT NULL THEN json_build_object('id', fu.id, 'name', fu.name, 'department', fu.department_code) END AS from_unit,
            CASE WHEN tu.id IS NOT NULL THEN json_build_object('id', tu.id, 'name', tu.name, 'department', tu.department_code) END AS to_unit
     FROM incident_events e LEFT JOIN units fu ON fu.id = e.from_unit_id LEFT JOIN units tu ON tu.id = e.to_unit_id
     WHERE e.incident_id = $1 ORDER BY e.id`,
    [id],
  );
  return r.rows;
}

export interface QueueFilter {
  status?: string;
  category?: string;
  town?: string;
  overdue?: boolean;
  /** Only the matters this unit handles. */
  unit?: number;
  /** Only the matters this unit assists on with an open task (联办). */
  assisting?: number;
  limit: number;
  /** Rows to skip (paging). */
  offset?: number;
}

const QUEUE_WHERE = `i.status NOT IN ('closed', 'rejected', 'merged')
       AND ($1::text IS NULL OR i.status = $1) AND ($2::text IS NULL OR left(i.category, length($2)) = $2)
       AND ($3::text IS NULL OR i.town_code = $3)
       AND ($4::boolean IS NULL OR (i.deadline_at < now() AND i.status NOT IN ('resolved', 'verified')) = $4)
       AND ($5::int IS NULL OR i.lead_unit_id = $5)
       AND ($6::int IS NULL OR EXISTS (SELECT 1 FROM incident_tasks k
                                       WHERE k.incident_id = i.id AND k.unit_id = $6 AND k.status IN ('assigned', 'accepted')))`;

/**
 * Open incidents inside the scope, by deadline (soonest first), for the dispatcher queue:
 * one page of them, and how many match in all and how many of those are overdue.
 */
export async function queue(
  db: Queryable,
  scope: Scope,
  f: QueueFilter,
): Promise<{ rows: IncidentRow[]; total: number; overdue: number }> {
  const params: unknown[] = [
    f.status ?? null,
    f.category ?? null,
    f.town ?? null,
    f.overdue ?? null,
    f.unit ?? null,
    f.assisting ?? null,
  ];
  const inScope = scopeSql(scope, 'coalesce(i.grid_code, i.village_code, i.town_code)', params);
  const overdue = `count(*) FILTER (WHERE i.deadline_at < now() AND i.status NOT IN ('resolved', 'verified'))`;
  params.push(f.limit, f.offset ?? 0);
  // the counts over the whole filter come with the page, from the same snapshot
  const r = await db.query<IncidentRow & { total_count: number; overdue_count: number }>(
    `SELECT ${INCIDENT_COLUMNS}, (count(*) OVER ())::int AS total_count, (${overdue} OVER ())::int AS overdue_count
     ${FROM_INCIDENTS}
     WHERE ${QUEUE_WHERE} AND ${inScope}
     ORDER BY i.deadline_at NULLS LAST, i.priority, i.id
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  const first = r.rows[0];
  if (first) {
    const rows = r.rows.map(({ total_count: _t, overdue_count: _o, ...row }) => row as IncidentRow);
    return { rows, total: first.total_count, overdue: first.overdue_count };
  }
  // a page past the end: the counts alone
  const counts = await db.query<{ total: number; overdue: number }>(
    `SELECT count(*)::int AS total, ${overdue}::int AS overdue FROM incidents i WHERE ${QUEUE_WHERE} AND ${inScope}`,
    params.slice(0, -2),
  );
  return { rows: [], total: counts.rows[0]!.total, overdue: counts.rows[0]!.overdue };
}

export interface TransitionInput {
  action: IncidentAction;
  note?: string;
  /** request_extension: working hours asked for. */
  hours?: number;
  /** merge: the master incident this one duplicates. */
  into?: number;
  /** transfer, assign_unit: the unit taking it over (a unit of the incident's town). */
  unitId?: number;
  /** dispatch: the team sent, and the road time/distance shown (api/db/dispatch-sync.ts). */
  dispatch?: DispatchStep;
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
  const cal = await getCalendar(db);
  await db.transaction((tx) => applyTransition(tx, scope, id, t, cal));
  return (await getIncident(db, scope, id))!;
}

/**
 * The body of `transition`, for a caller that already holds a transaction (dispatching
 * a team moves the incident, the team and the dispatch rows in one commit).
 */
export async function applyTransition(
  tx: Queryable,
  scope: Scope,
  id: number,
  t: TransitionInput,
  cal: WorkingCalendar,
): Promise<void> {
  // Sending a team is a dispatch (one open dispatch per team, atomically): an incident is
  // never `dispatched` with nobody sent.
  if (t.action === 'dispatch' && t.dispatch?.teamId === undefined) {
    throw new DomainError(
      422,
      'dispatch_needs_team',
      'body/action: dispatch sends a team: use POST /api/dispatches {incidentId, teamId}',
      { use: 'POST /api/dispatches' },
    );
  }
  const rule = TRANSITIONS[t.action];
  const cur = await tx.query<IncidentRow>(
    `SELECT ${INCIDENT_COLUMNS} ${FROM_INCIDENTS} WHERE i.id = $1 FOR UPDATE OF i`,
    [id],
  );
  const row = cur.rows[0];
  if (!row || !scopeCovers(scope, row.grid_code ?? row.village_code ?? row.town_code))
    throw new NotFoundError('incident', id);
  if (!rule.from.includes(row.status)) {
    const allowed = allowedActions(row.status);
    throw new DomainError(
      409,
      'transition_not_allowed',
      `incident ${id} is ${row.status}: '${t.action}' is not allowed; allowed: ${allowed.join(', ') || 'none'}`,
      { id, status: row.status, action: t.action, allowed: allowed.join(', ') },
    );
  }
  let deadlineAt = row.deadline_at;
  let pending = row.extension_pending_minutes;
  let extended = row.extended_minutes;
  let rework = row.rework_count;
  if (t.action === 'request_extension') {
    if (!t.hours) {
      throw new DomainError(
        422,
        'extension_hours_missing',
        'body/hours: an extension request needs the working hours asked for',
      );
    }
    if (pending) {
      throw new DomainError(
        409,
        'extension_pending',
        `incident ${id} already has an extension request pending`,
        { id },
      );
    }
    pending = Math.round(t.hours * 60);
  } else if (t.action === 'grant_extension' || t.action === 'deny_extension') {
    if (!pending) {
      throw new DomainError(409, 'extension_not_pending', `incident ${id} has no extension request pending`, {
        id,
      });
    }
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
    if (!t.into)
      throw new DomainError(422, 'merge_target_missing', 'body/into: a merge needs the master incident');
    if (t.into === id) {
      throw new DomainError(422, 'merge_into_self', 'body/into: an incident cannot be merged into itself');
    }
    const master = await tx.query<{ id: number; status: IncidentStatus; area: string | null }>(
      `SELECT id, status, coalesce(grid_code, village_code, town_code) AS area FROM incidents WHERE id = $1 FOR UPDATE`,
      [t.into],
    );
    const m = master.rows[0];
    if (!m || !scopeCovers(scope, m.area)) {
      throw new DomainError(422, 'merge_target_unknown', `body/into: no incident ${t.into}`, {
        into: t.into,
      });
    }
    if (m.status === 'merged') {
      throw new DomainError(
        409,
        'merge_target_merged',
        `incident ${t.into} is itself merged; merge into its master`,
        { into: t.into },
      );
    }
    mergedInto = m.id;
    await tx.query(
      `INSERT INTO incident_events (incident_id, actor, action, note) VALUES ($1, $2, 'merged_in', $3)`,
      [m.id, scope.name, `incident ${id} merged into this one${t.note ? `: ${t.note}` : ''}`],
    );
  }
  if (t.action === 'resolve') {
    // joint handling: the assisting units finish (or the lead closes their tasks) first
    const open = await openTasks(tx, id);
    if (open.length) {
      const units = open.map((o) => o.unit.name).join('、');
      throw new DomainError(
        409,
        'tasks_open',
        `incident ${id} has ${open.length} open joint task(s) (${units}): finish or close them before resolving`,
        { id, units, count: open.length },
      );
    }
  }
  const move = UNIT_MOVES.includes(t.action) ? await unitMove(tx, row, t) : null;
  let to = rule.to ?? row.status;
  let dispatchNote: string | null;
  if (t.action === 'verify_fail') {
    dispatchNote = await redispatchForRework(tx, scope, id);
    if (!dispatchNote) {
      to = 'accepted';
      dispatchNote =
        'rework: the team that resolved it cannot take it now; back to accepted for a new dispatch';
    }
  } else {
    dispatchNote = await syncDispatch(tx, scope, id, t.action, t.dispatch ?? {});
  }
  await tx.query(
    `UPDATE incidents SET status = $2, deadline_at = $3, extension_pending_minutes = $4, extended_minutes = $5,
            rework_count = $6, closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE closed_at END, updated_at = now(),
            merged_into = $7, lead_unit_id = coalesce($8, lead_unit_id), handoffs = handoffs + $9,
            result_note = CASE WHEN $10 THEN $11 ELSE result_note END
     WHERE id = $1`,
    [
      id,
      to,
      deadlineAt,
      pending,
      extended,
      rework,
      mergedInto,
      move?.to.id ?? null,
      t.action === 'transfer' || t.action === 'send_back' ? 1 : 0,
      // the result a citizen is shown: what the team wrote when it resolved it
      t.action === 'resolve',
      t.note?.trim() || null,
    ],
  );
  const note = [
    t.note,
    t.action === 'request_extension' ? `asks ${t.hours} working hours` : null,
    t.action === 'merge' ? `duplicate of incident ${mergedInto}` : null,
    dispatchNote,
  ]
    .filter(Boolean)
    .join('; ');
  await tx.query(
    `INSERT INTO incident_events (incident_id, actor, action, from_status, to_status, note, from_unit_id, to_unit_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, scope.name, t.action, row.status, to, note || null, move?.from ?? null, move?.to.id ?? null],
  );
  await recordAudit(tx, scope, {
    action: `incident.${t.action}`,
    targetType: 'incident',
    targetId: String(id),
    before: { status: row.status, deadlineAt: row.deadline_at },
    after: { status: to, deadlineAt },
  });
  await tx.query(`SELECT pg_notify('incidents', $1)`, [JSON.stringify({ id, op: t.action })]);
}

/**
 * Where a unit move (transfer, send_back, assign_unit) takes an incident: a transfer or a
 * send-back needs its reason; a transfer or an assignment names a unit of the incident's own
 * town; a send-back goes to the town's coordinating unit (综治中心). 422 when the unit is
 * missing or elsewhere, 409 when the incident is with that unit already.
 */
async function unitMove(
  tx: Queryable,
  row: IncidentRow,
  t: TransitionInput,
): Promise<{ from: number | null; to: { id: number; name: string } }> {
  if ((t.action === 'transfer' || t.action === 'send_back') && !t.note?.trim()) {
    throw new DomainError(422, 'unit_move_reason_missing', `body/note: '${t.action}' needs the reason`, {
      action: t.action,
    });
  }
  let target: { id: number; name: string; area_code: string } | undefined;
  if (t.action === 'send_back') {
    target = (
      await tx.query<{ id: number; name: string; area_code: string }>(
        'SELECT id, name, area_code FROM units WHERE department_code = $1 AND area_code = $2',
        [COORDINATING_DEPARTMENT, row.town_code],
      )
    ).rows[0];
    if (!target) {
      throw new DomainError(
        422,
        'unit_no_coordinator',
        `incident ${row.id} has no town coordination centre`,
        {
          id: row.id,
        },
      );
    }
  } else {
    if (t.unitId === undefined) {
      throw new DomainError(
        422,
        'unit_missing',
        `body/unitId: '${t.action}' needs the unit that takes it over`,
        {
          action: t.action,
        },
      );
    }
    target = (
      await tx.query<{ id: number; name: string; area_code: string }>(
        'SELECT id, name, area_code FROM units WHERE id = $1',
        [t.unitId],
      )
    ).rows[0];
    if (!target || target.area_code !== row.town_code) {
      throw new DomainError(422, 'unit_unknown', `body/unitId: no unit ${t.unitId} in the incident's town`, {
        unitId: t.unitId,
      });
    }
  }
  if (target.id === row.lead_unit_id) {
    throw new DomainError(409, 'unit_same', `incident ${row.id} is with ${target.name} already`, {
      id: row.id,
      unit: target.name,
    });
  }
  return { from: row.lead_unit_id, to: { id: target.id, name: target.name } };
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
