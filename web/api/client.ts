/**
 * The only module of the web client that calls fetch(). Response types come from the API's own
 * schemas (api/schemas), which are the contract; nothing here validates at run time beyond the
 * HTTP status. All coordinates are EPSG:4326 longitude/latitude.
 */
import type { Static } from 'typebox';
import type { Permission, Role } from '../../api/auth/permissions.ts';
import type { AreaCollection, AreaDetail, AreaLevel, PointLookup } from '../../api/schemas/areas.ts';
import type {
  ApiKey,
  AuditQuery,
  AuditRecord as AuditRecordSchema,
  Me,
  NewApiKey as NewApiKeySchema,
  NewApiKeyBody,
  NewUserBody,
  User,
  UserPatchBody,
} from '../../api/schemas/auth.ts';
import type { BasemapSettings } from '../../api/schemas/basemap.ts';
import type { ErrorBody } from '../../api/schemas/common.ts';
import type { Health } from '../../api/schemas/health.ts';
import type { Feature, FeatureCollection, LayerId, LayerList } from '../../api/schemas/layers.ts';
import type {
  AreaStat,
  AroundResult,
  ExposureResult,
  FeatureContext,
  SearchHit,
  SearchResult,
} from '../../api/schemas/map.ts';
import type {
  Category as CategorySchema,
  Incident as IncidentSchema,
  IncidentDetail as IncidentDetailSchema,
  JointTask as JointTaskSchema,
  Supervision as SupervisionSchema,
  IntakeBody as IntakeBodySchema,
  IntakeResult as IntakeResultSchema,
  Queue as QueueSchema,
} from '../../api/schemas/incidents.ts';
import type { IncidentAction, IncidentStatus, TaskStep } from '../../api/lib/incident-lifecycle.ts';
import type { Unit as UnitSchema } from '../../api/schemas/units.ts';
import type { Assessment as AssessmentSchema } from '../../api/schemas/assessment.ts';
import type { AssessmentLevel } from '../../api/lib/assessment.ts';
import type {
  Playback as PlaybackSchema,
  ScreenSummary as ScreenSummarySchema,
} from '../../api/schemas/screen.ts';
import type {
  GridHistory,
  GridListing,
  GridProblem,
  ImportReport,
  Reassignment,
  ReassignResult,
  ValidateResult,
  WriteResult as GridWriteResult,
  WorkerCandidate,
} from '../../api/schemas/grids.ts';
import type {
  Candidate as CandidateSchema,
  CandidateList as CandidateListSchema,
  Coverage as CoverageSchema,
  Dispatch as DispatchSchema,
  Isochrones as IsochronesSchema,
  Plan as PlanSchema,
  PlanConflicts as PlanConflictsSchema,
  PlannedDispatch as PlannedDispatchSchema,
  Team as TeamSchema,
  TeamList as TeamListSchema,
} from '../../api/schemas/dispatch.ts';
import type {
  ImportCoordinates,
  ImportCrs,
  ImportField,
  ImportFormat,
  ImportJob,
  ImportLayer,
  ImportProgress,
  ImportRejection,
  ImportRunBody,
  ImportStatus,
  ImportUploadQuery,
  RejectionLanguage,
  RejectionReason,
} from '../../api/schemas/imports.ts';

export type {
  AreaCollection,
  AreaDetail,
  AreaLevel,
  PointLookup,
  Health,
  Feature,
  FeatureCollection,
  LayerId,
  LayerList,
};
export type { AreaStat, AroundResult, ExposureResult, FeatureContext, SearchHit, SearchResult };
export type { Me, User, NewUserBody, UserPatchBody, ApiKey, NewApiKeyBody, AuditQuery, Permission, Role };
/** A new API key: the secret `key` is in this answer only. */
export type NewApiKey = Static<typeof NewApiKeySchema>;
/** One entry of the audit log. */
export type AuditRecord = Static<typeof AuditRecordSchema>;
export type { AreaFeature, AreaProperties } from '../../api/schemas/areas.ts';

/**
 * The feature layers, in panel and fetch order. The same set as the API's LAYER_IDS, written out
 * here rather than imported so that the schema library (typebox) stays out of the browser
 * bundle; FeatureLayerIdsComplete fails to compile if the two ever differ.
 */
export const FEATURE_LAYER_IDS = [
  'sites',
  'components',
  'risk_sources',
  'cameras',
  'teams',
  'incidents',
] as const satisfies readonly LayerId[];

type Assert<T extends true> = T;
/** Compile-time check that FEATURE_LAYER_IDS lists every LayerId of the API contract. */
export type FeatureLayerIdsComplete = Assert<
  [Exclude<LayerId, (typeof FEATURE_LAYER_IDS)[number]>] extends [never] ? true : false
>;

/** An error answer of the API (non-2xx); `message` is the body's message when there was one. */
export class ApiError extends Error {
  /** HTTP status code. */
  readonly status: number;
  /** The parsed error body, when the server sent one. */
  readonly body: ErrorBody | null;

  constructor(status: number, message: string, body: ErrorBody | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** A bounding box [minLon, minLat, maxLon, maxLat] in degrees, EPSG:4326. */
export type BBox = readonly [number, number, number, number];

type Query = Record<string, string | number | boolean | undefined>;

/**
 * Absolute URL of an API path on this page's origin. Absolute, because MapLibre workers and
 * some callers resolve relative URLs against their own location rather than the page.
 */
export function apiUrl(path: string, query: Query = {}): string {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url.href;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ErrorBody).message === 'string';
}

/** HTTP methods that change state: they carry the CSRF token when made with the session cookie. */
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The CSRF token of the current session (from sign-in or /api/auth/me). Module state: every
 * state-changing request sends it in X-CSRF-Token, so callers never handle it.
 */
let csrfToken: string | null = null;

/**
 * Counts sign-ins and sign-outs: a 401 answering a request sent before the latest of them
 * belongs to an older session and must not end the current one.
 */
let sessionEpoch = 0;

/** Called when the API answers 401 to a signed-in call: the session has ended. */
let sessionEndedHandler: (() => void) | null = null;

/**
 * Register what happens when the session ends (any 401 outside sign-in): the app goes back to the
 * sign-in page. Returns a function that unregisters it.
 */
export function onSessionEnded(handler: () => void): () => void {
  sessionEndedHandler = handler;
  return () => {
    if (sessionEndedHandler === handler) sessionEndedHandler = null;
  };
}

/** Paths whose 401 answers are an expected outcome, not the end of a session. */
const OWN_401_PATHS = new Set(['/api/auth/login', '/api/auth/me']);

interface RequestOptions {
  query?: Query;
  /** JSON body. */
  body?: unknown;
  signal?: AbortSignal;
}

async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const epoch = sessionEpoch;
  const response = await fetch(apiUrl(path, options.query), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
    credentials: 'same-origin',
  });
  if (!response.ok) {
    let body: ErrorBody | null = null;
    try {
      const parsed: unknown = await response.json();
      if (isErrorBody(parsed)) body = parsed;
    } catch {
      // not JSON (e.g. a proxy error page): fall back to the status line
    }
    if (response.status === 401 && epoch === sessionEpoch && !OWN_401_PATHS.has(path)) {
      csrfToken = null;
      sessionEndedHandler?.();
    }
    const message = body?.message ?? `${response.status} ${response.statusText} (${path})`;
    throw new ApiError(response.status, message, body);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, { query, signal });
}

/** GET /api/health: ok or not; the database backend and versions for admins only. */
export function getHealth(signal?: AbortSignal): Promise<Health> {
  return getJson<Health>('/api/health', {}, signal);
}

/** Options of getAreas(). */
export interface AreaQuery {
  level?: AreaLevel;
  /** Parent area code (9-digit town, 12-digit village). */
  parent?: string;
  /** Include outlines (default true on the server). */
  geometry?: boolean;
  /** Simplification tolerance in degrees (0–0.01). */
  simplify?: number;
}

/** GET /api/areas: areas as a GeoJSON FeatureCollection (EPSG:4326). */
export function getAreas(query: AreaQuery, signal?: AbortSignal): Promise<AreaCollection> {
  return getJson<AreaCollection>('/api/areas', { ...query }, signal);
}

/** GET /api/areas/{code}: one area with its path from the city down and its bbox. */
export function getArea(code: string, signal?: AbortSignal): Promise<AreaDetail> {
  return getJson<AreaDetail>(`/api/areas/${encodeURIComponent(code)}`, {}, signal);
}

/** GET /api/areas/at: the areas containing a point (lon/lat degrees). */
export function getAreasAt(lon: number, lat: number, signal?: AbortSignal): Promise<PointLookup> {
  return getJson<PointLookup>('/api/areas/at', { lon, lat }, signal);
}

/** GET /api/layers: the feature layers with their names and total counts. */
export function getLayers(signal?: AbortSignal): Promise<LayerList> {
  return getJson<LayerList>('/api/layers', {}, signal);
}

/** Options of getLayerFeatures(). */
export interface FeatureQuery {
  /** Only features intersecting this box (degrees, EPSG:4326). */
  bbox?: BBox;
  /** At most this many features (server default 2000, max 20000). */
  limit?: number;
  kind?: string;
  /** Risk level 1–4 (risk_sources). */
  level?: number;
  status?: string;
  /** 9-digit town code. */
  town?: string;
  /** Incidents reported at or after this instant (ISO 8601). */
  from?: string;
  /** Incidents reported before this instant (ISO 8601). */
  to?: string;
}

/** GET /api/layers/{layer}/features: features of one layer; `truncated` when `limit` cut the answer. */
export function getLayerFeatures(
  layer: LayerId,
  query: FeatureQuery = {},
  signal?: AbortSignal,
): Promise<FeatureCollection> {
  const { bbox, ...rest } = query;
  // Six decimals ≈ 0.1 m: enough, and keeps URLs (and caches) stable while panning.
  const bboxParam = bbox?.map((v) => v.toFixed(6)).join(',');
  return getJson<FeatureCollection>(
    `/api/layers/${encodeURIComponent(layer)}/features`,
    { ...rest, bbox: bboxParam },
    signal,
  );
}

/** GET /api/layers/{layer}/features/{id}: one feature with all its properties. */
export function getFeature(layer: LayerId, id: number | string, signal?: AbortSignal): Promise<Feature> {
  return getJson<Feature>(
    `/api/layers/${encodeURIComponent(layer)}/features/${encodeURIComponent(String(id))}`,
    {},
    signal,
  );
}

/** GET /api/layers/{layer}/features/{id}/context: area path (town › village › grid) and linked incidents. */
export function getFeatureContext(
  layer: LayerId,
  id: number | string,
  signal?: AbortSignal,
): Promise<FeatureContext> {
  return getJson<FeatureContext>(
    `/api/layers/${encodeURIComponent(layer)}/features/${encodeURIComponent(String(id))}/context`,
    {},
    signal,
  );
}

/** GET /api/search: areas, sites, risk sources, teams and incidents matching a text. */
export function search(q: string, limit = 20, signal?: AbortSignal): Promise<SearchResult> {
  return getJson<SearchResult>('/api/search', { q, limit }, signal);
}

/** GET /api/around: risk sources, key sites and teams within `radius` metres of a point. */
export function getAround(
  lon: number,
  lat: number,
  radius: number,
  signal?: AbortSignal,
): Promise<AroundResult> {
  return getJson<AroundResult>(
    '/api/around',
    { lon: lon.toFixed(6), lat: lat.toFixed(6), radius, limit: 200 },
    signal,
  );
}

/** GET /api/risk-sources/{id}/exposed: key sites inside a risk source's impact radius. */
export function getExposedSites(id: number | string, signal?: AbortSignal): Promise<ExposureResult> {
  return getJson<ExposureResult>(`/api/risk-sources/${encodeURIComponent(String(id))}/exposed`, {}, signal);
}

/** GET /api/stats/areas: per town or village open incidents, risk index and rates per 10,000. */
export function getAreaStats(level: 'town' | 'village', signal?: AbortSignal): Promise<AreaStat[]> {
  return getJson<AreaStat[]>('/api/stats/areas', { level }, signal);
}

/** Filters of a point tile layer (all optional). */
export interface TileFilters {
  kind?: string;
  /** Risk level 1–4 (risk_sources). */
  level?: number;
  status?: string;
  /** 9-digit town code. */
  town?: string;
}

/** Tile layers served by the API: the feature layers and `areas`. */
export type TileLayerId = LayerId | 'areas';

/**
 * Absolute URL template of a vector tile layer, with `{z}/{x}/{y}` placeholders and the filters
 * in the query string (absolute, because tile loaders may resolve URLs outside the page).
 */
export function tileUrl(layer: TileLayerId, filters: TileFilters = {}): string {
  const base = apiUrl(`/api/tiles/${encodeURIComponent(layer)}/{z}/{x}/{y}.mvt`, { ...filters });
  // URL() escapes the braces of the placeholders; restore them.
  return base.replace('%7Bz%7D', '{z}').replace('%7Bx%7D', '{x}').replace('%7By%7D', '{y}');
}

/**
 * GET one vector tile (a URL made by tileUrl with the placeholders filled in): its bytes, empty
 * for an empty tile. Goes through the browser cache, which revalidates with the ETag.
 */
export async function getTile(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const epoch = sessionEpoch;
  const response = await fetch(url, { signal, credentials: 'same-origin' });
  if (!response.ok) {
    let body: ErrorBody | null = null;
    try {
      const parsed: unknown = await response.json();
      if (isErrorBody(parsed)) body = parsed;
    } catch {
      // not JSON
    }
    if (response.status === 401 && epoch === sessionEpoch) {
      csrfToken = null;
      sessionEndedHandler?.();
    }
    throw new ApiError(response.status, body?.message ?? `${response.status} ${response.statusText}`, body);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Absolute URL of one offline basemap layer (GeoJSON) served by the API.
 * Not fetched here: MapLibre loads it as a style source.
 */
export function basemapUrl(name: string): string {
  return apiUrl(`/api/basemap/${encodeURIComponent(name)}`);
}

/** GET /api/basemap-settings: which basemap the map draws (offline, or an intranet tile server); public. */
export function getBasemapSettings(signal?: AbortSignal): Promise<BasemapSettings> {
  return getJson<BasemapSettings>('/api/basemap-settings', {}, signal);
}

// ---------------------------------------------------------------------------------------------
// Accounts: sign-in, the current user, and (permission manage_users) users, API keys, audit log.

/** POST /api/auth/login: sign in; the session cookie is set by the server, the CSRF token kept here. */
export async function login(username: string, password: string): Promise<Me> {
  const me = await request<Me>('POST', '/api/auth/login', { body: { username, password } });
  sessionEpoch += 1;
  csrfToken = me.csrfToken;
  return me;
}

/** GET /api/auth/me: who is signed in; ApiError 401 when nobody is. */
export async function getMe(signal?: AbortSignal): Promise<Me> {
  const me = await getJson<Me>('/api/auth/me', {}, signal);
  csrfToken = me.csrfToken;
  return me;
}

/** POST /api/auth/logout: end this session. */
export async function logout(): Promise<void> {
  try {
    await request<void>('POST', '/api/auth/logout');
  } finally {
    sessionEpoch += 1;
    csrfToken = null;
  }
}

/** POST /api/auth/password: change my password (new one at least 10 characters). */
export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return request<void>('POST', '/api/auth/password', { body: { currentPassword, newPassword } });
}

/** GET /api/users: the users in my area. */
export function listUsers(signal?: AbortSignal): Promise<User[]> {
  return getJson<User[]>('/api/users', {}, signal);
}

/** POST /api/users: create a user (409 when the username is taken, 422 for an unknown area). */
export function createUser(body: NewUserBody): Promise<User> {
  return request<User>('POST', '/api/users', { body });
}

/** PATCH /api/users/{id}: change name, role, area, grants, disabled, or reset the password. */
export function updateUser(id: number, patch: UserPatchBody): Promise<User> {
  return request<User>('PATCH', `/api/users/${id}`, { body: patch });
}

/** GET /api/api-keys: the API keys (never their secrets). */
export function listApiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
  return getJson<ApiKey[]>('/api/api-keys', {}, signal);
}

/** POST /api/api-keys: create a key; the answer carries the secret, this once. */
export function createApiKey(body: NewApiKeyBody): Promise<NewApiKey> {
  return request<NewApiKey>('POST', '/api/api-keys', { body });
}

/** POST /api/api-keys/{id}/revoke: revoke a key. */
export function revokeApiKey(id: number): Promise<ApiKey> {
  return request<ApiKey>('POST', `/api/api-keys/${id}/revoke`);
}

/** GET /api/audit: audit records, newest first; page on with `before` = the last id. */
export function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditRecord[]> {
  return getJson<AuditRecord[]>('/api/audit', { ...query }, signal);
}

// ---------------------------------------------------------------------------------------------
// Incidents: categories, the public citizen report, the dispatcher queue, detail and lifecycle.

/** One category (incident 大类 have parentCode null; reports use 小类). */
export type Category = Static<typeof CategorySchema>;
/** One incident as the queue lists it. */
export type Incident = Static<typeof IncidentSchema>;
/** One incident with its timeline, the actions this user may take now and possible duplicates. */
export type IncidentDetail = Static<typeof IncidentDetailSchema>;
/** The answer of the desk intake: the incident plus raisedBy and possibleDuplicates. */
export type IntakeResult = Static<typeof IntakeResultSchema>;
/** The dispatcher queue. */
export type Queue = Static<typeof QueueSchema>;
/** The body of a report (desk or citizen: the citizen page omits `channel`). */
export type IntakeBody = Static<typeof IntakeBodySchema>;
export type { IncidentAction, IncidentStatus };

/** A citizen report as POST /api/reports takes it (no channel: the server decides). */
export type CitizenReportBody = Omit<IntakeBody, 'channel'>;
/** The answer of POST /api/reports. */
export interface CitizenReportResult {
  id: number;
  status: string;
  deadlineAt: string | null;
  /** The code the citizen follows the report with. */
  trackingCode: string;
  created: boolean;
}

/**
 * The incident statuses, written out (not imported) so the API's modules stay out of the
 * bundle; IncidentStatusesComplete fails to compile if the two ever differ.
 */
export const INCIDENT_STATUS_LIST = [
  'reported',
  'accepted',
  'rejected',
  'dispatched',
  'on_scene',
  'resolved',
  'verified',
  'closed',
  'merged',
] as const satisfies readonly IncidentStatus[];
/** Compile-time check that INCIDENT_STATUS_LIST lists every IncidentStatus. */
export type IncidentStatusesComplete = Assert<
  [Exclude<IncidentStatus, (typeof INCIDENT_STATUS_LIST)[number]>] extends [never] ? true : false
>;

/** GET /api/categories?kind=incident: the incident categories (public). */
export function getIncidentCategories(signal?: AbortSignal): Promise<Category[]> {
  return getJson<Category[]>('/api/categories', { kind: 'incident' }, signal);
}

/** POST /api/reports: a citizen report (public, rate-limited). Retry with the same clientKey. */
export function submitCitizenReport(body: CitizenReportBody): Promise<CitizenReportResult> {
  return request<CitizenReportResult>('POST', '/api/reports', { body });
}

/** What a citizen sees of a report by its tracking code (GET /api/reports/track). */
export interface TrackedReport {
  id: number;
  status: IncidentStatus;
  category: string;
  categoryName: string | null;
  reportedAt: string;
  deadlineAt: string | null;
  closedAt: string | null;
  unit: string | null;
  result: string | null;
  timeline: Array<{ at: string; action: string; toStatus: IncidentStatus | null }>;
  rating: { rating: CitizenRating; comment: string | null; ratedAt: string } | null;
  canRate: boolean;
}

/** 满意 / 基本满意 / 不满意. */
export type CitizenRating = 'satisfied' | 'basic' | 'unsatisfied';

/** GET /api/reports/track?code=: a report by its tracking code (public). */
export function trackReport(code: string, signal?: AbortSignal): Promise<TrackedReport> {
  return getJson<TrackedReport>('/api/reports/track', { code }, signal);
}

/** POST /api/reports/rating: the citizen's rating of a resolved report, once. */
export function rateReport(body: { code: string; rating: CitizenRating; comment?: string }): Promise<void> {
  return request<void>('POST', '/api/reports/rating', { body });
}

/** POST /api/incidents: report an incident as a signed-in user (permission report). */
export function createIncident(body: IntakeBody): Promise<IntakeResult> {
  return request<IntakeResult>('POST', '/api/incidents', { body });
}

/** Filters of the queue (all optional). */
export interface QueueFilter {
  status?: string;
  /** 2- or 4-digit category code. */
  category?: string;
  /** 9-digit town code. */
  town?: string;
  overdue?: boolean;
  /** Only the matters this unit handles. */
  unit?: number;
  /** Only the matters this unit assists on with an open joint task (联办). */
  assisting?: number;
  limit?: number;
  /** Rows to skip. */
  offset?: number;
}

/** GET /api/incidents: the queue of my area, soonest deadline first. */
export function getQueue(filter: QueueFilter = {}, signal?: AbortSignal): Promise<Queue> {
  return getJson<Queue>('/api/incidents', { ...filter }, signal);
}

/** GET /api/incidents/{id}: one incident with timeline, actions and possible duplicates. */
export function getIncident(id: number, signal?: AbortSignal): Promise<IncidentDetail> {
  return getJson<IncidentDetail>(`/api/incidents/${id}`, {}, signal);
}

/** POST /api/incidents/{id}/transitions: take a lifecycle action (409 when not allowed now). */
export function transitionIncident(
  id: number,
  body: { action: IncidentAction; note?: string; hours?: number; into?: number; unitId?: number },
): Promise<Incident> {
  return request<Incident>('POST', `/api/incidents/${id}/transitions`, { body });
}

/** An assisting unit's task on an incident (联办). */
export type JointTask = Static<typeof JointTaskSchema>;
export type { TaskStep };

/** Asks another unit of the incident's town to assist, with a task and the working hours allowed. */
export function addIncidentTask(
  id: number,
  body: { unitId: number; task: string; hours: number },
): Promise<JointTask> {
  return request<JointTask>('POST', `/api/incidents/${id}/tasks`, { body });
}

/** A step of a joint task: accept, done, refuse (with the reason), close (the lead, with the reason). */
export function stepIncidentTask(
  id: number,
  taskId: number,
  body: { action: TaskStep; note?: string },
): Promise<JointTask> {
  return request<JointTask>('POST', `/api/incidents/${id}/tasks/${taskId}`, { body });
}

export type Supervision = Static<typeof SupervisionSchema>;

/** POST /api/incidents/{id}/supervisions: orders supervision (督办), to be answered within `hours` working hours. */
export function superviseIncident(id: number, body: { note: string; hours: number }): Promise<Supervision> {
  return request<Supervision>('POST', `/api/incidents/${id}/supervisions`, { body });
}

/** The handling unit's answer (反馈) to a supervision order. */
export function answerSupervision(id: number, supervisionId: number, answer: string): Promise<Supervision> {
  return request<Supervision>('POST', `/api/incidents/${id}/supervisions/${supervisionId}/answer`, {
    body: { answer },
  });
}

/** A department's unit in a town, with the open matters it handles. */
export type Unit = Static<typeof UnitSchema>;

/** GET /api/units: the units of the towns the caller's area touches, or of `area`'s town. */
export function getUnits(area: string | null, signal?: AbortSignal): Promise<Unit[]> {
  return getJson<Unit[]>('/api/units', area ? { area } : {}, signal);
}

export type Assessment = Static<typeof AssessmentSchema>;
export type AssessmentRow = Assessment['rows'][number];
export type { AssessmentLevel };

/** What the assessment ranks and over which window (ISO instants; none: the last 30 days). */
export interface AssessmentQuery {
  level: AssessmentLevel;
  from?: string;
  to?: string;
}

/** GET /api/assessment: the towns, villages, units or teams of my area, ranked (考核). */
export function getAssessment(q: AssessmentQuery, signal?: AbortSignal): Promise<Assessment> {
  return getJson<Assessment>('/api/assessment', { ...q }, signal);
}

/** The incident report workbook with the assessment sheets of every level, for a window. */
export function incidentReportUrl(q: { from?: string; to?: string }): string {
  return apiUrl('/api/export/incident-report', q);
}

/** Absolute URL of photo `n` (1-based) of an incident (an <img> loads it with the session cookie). */
export function incidentPhotoUrl(id: number, n: number): string {
  return apiUrl(`/api/incidents/${id}/photos/${n}`);
}

// ---------------------------------------------------------------------------------------------
// Grids (permission edit_grids for changes): the editor's list, checks, writes, history,
// import/export and the reassignment of open incidents. Geometry is GeoJSON, EPSG:4326.

export type {
  GridFeature,
  GridListing,
  GridProblem,
  GridHistory,
  ValidateResult,
  WriteResult as GridWriteResult,
  ImportReport,
  Reassignment,
  ReassignResult,
  WorkerCandidate,
} from '../../api/schemas/grids.ts';

/** A GeoJSON Polygon as the editor sends it: rings of [lon, lat]. */
export interface PolygonInput {
  type: 'Polygon';
  coordinates: number[][][];
}

/** The problems of a refused grid save (422), or null for another error. */
export function gridProblems(error: unknown): GridProblem[] | null {
  if (!(error instanceof ApiError) || error.status !== 422 || !error.body) return null;
  const problems = (error.body as ErrorBody & { problems?: GridProblem[] }).problems;
  return Array.isArray(problems) ? problems : null;
}

/** GET /api/grids: the grids of a village or town with the parent outline and gaps; `at` = as of (ISO 8601). */
export function getGrids(parent: string, at?: string, signal?: AbortSignal): Promise<GridListing> {
  return getJson<GridListing>('/api/grids', { parent, at }, signal);
}

/** POST /api/grids/validate: the checks a save would run, nothing saved. */
export function validateGrid(
  body: { parentCode: string; geometry: PolygonInput; code?: string },
  signal?: AbortSignal,
): Promise<ValidateResult> {
  return request<ValidateResult>('POST', '/api/grids/validate', { body, signal });
}

/** POST /api/grids: create a grid (422 with problems when refused; see gridProblems). */
export function createGrid(body: {
  parentCode: string;
  name: string;
  geometry: PolygonInput;
  households?: number | null;
}): Promise<GridWriteResult> {
  return request<GridWriteResult>('POST', '/api/grids', { body });
}

/** PUT /api/grids/{code}: reshape, rename, households, grid workers; 409 when `version` is stale. */
export function updateGrid(
  code: string,
  body: {
    version: number;
    name?: string;
    geometry?: PolygonInput;
    households?: number | null;
    workerIds?: number[];
  },
): Promise<GridWriteResult> {
  return request<GridWriteResult>('PUT', `/api/grids/${encodeURIComponent(code)}`, { body });
}

/** DELETE /api/grids/{code}?version=: close the grid's current version. */
export function deleteGrid(code: string, version: number): Promise<GridWriteResult> {
  return request<GridWriteResult>('DELETE', `/api/grids/${encodeURIComponent(code)}`, { query: { version } });
}

/** POST /api/grids/{code}/split: split along a line drawn across the grid. */
export function splitGrid(
  code: string,
  version: number,
  line: { type: 'LineString'; coordinates: number[][] },
): Promise<GridWriteResult> {
  return request<GridWriteResult>('POST', `/api/grids/${encodeURIComponent(code)}/split`, {
    body: { version, line },
  });
}

/** POST /api/grids/merge: merge neighbouring grids into the lowest code. */
export function mergeGrids(
  grids: Array<{ code: string; version: number }>,
  name?: string,
): Promise<GridWriteResult> {
  return request<GridWriteResult>('POST', '/api/grids/merge', { body: { grids, name } });
}

/** GET /api/grids/{code}/history: every version, oldest first. */
export function getGridHistory(code: string, signal?: AbortSignal): Promise<GridHistory> {
  return getJson<GridHistory>(`/api/grids/${encodeURIComponent(code)}/history`, {}, signal);
}

/**
 * POST /api/grids/import: replace a village's grids with a FeatureCollection (all or nothing).
 * A refused import rejects with ApiError 422 whose body is the ImportReport.
 */
export function importGrids(parentCode: string, collection: unknown, dryRun: boolean): Promise<ImportReport> {
  return request<ImportReport>('POST', '/api/grids/import', { body: { parentCode, collection, dryRun } });
}

/** URL of a village's grids as GeoJSON or a zipped Shapefile (a download link; the session cookie goes along). */
export function gridExportUrl(parent: string, format: 'geojson' | 'shapefile'): string {
  return apiUrl('/api/grids/export', { parent, format });
}

/** GET /api/grids/reassignments: open incidents whose point now lies in another grid. */
export function getReassignments(parent: string, signal?: AbortSignal): Promise<Reassignment[]> {
  return getJson<Reassignment[]>('/api/grids/reassignments', { parent }, signal);
}

/** POST /api/grids/reassignments: move these incidents to the grid their point now lies in. */
export function reassignIncidents(incidentIds: number[]): Promise<ReassignResult> {
  return request<ReassignResult>('POST', '/api/grids/reassignments', { body: { incidentIds } });
}

/** GET /api/grids/workers: grid workers who may be assigned to grids of a village or town. */
export function getWorkerCandidates(parent: string, signal?: AbortSignal): Promise<WorkerCandidate[]> {
  return getJson<WorkerCandidate[]>('/api/grids/workers', { parent }, signal);
}

// ---------------------------------------------------------------------------------------------
// Dispatch (permission dispatch for candidates, sending, plans; report for arrival and completion)
// and response teams: list, duty, isochrones and the uncovered area. Coordinates EPSG:4326.

/** One team that could go to an incident, with its road time and route. */
export type Candidate = Static<typeof CandidateSchema>;
/** The fastest suitable teams for an incident. */
export type CandidateList = Static<typeof CandidateListSchema>;
/** A team sent to an incident. */
export type Dispatch = Static<typeof DispatchSchema>;
/** A batch plan: teams for the accepted incidents of an area (nothing changed yet). */
export type Plan = Static<typeof PlanSchema>;
/** One line of a batch plan: incident → team. */
export type PlannedDispatch = Static<typeof PlannedDispatchSchema>;
/** What changed since a plan was made (409 of plan/apply). */
export type PlanConflict = Static<typeof PlanConflictsSchema>['conflicts'][number];
/** A response team with status and last fix. */
export type Team = Static<typeof TeamSchema>;
/** A page of teams. */
export type TeamList = Static<typeof TeamListSchema>;
/** A team's isochrones as GeoJSON MultiPolygons (minutes, areaKm2). */
export type Isochrones = Static<typeof IsochronesSchema>;
/** The area no available team reaches within the minutes (响应盲区). */
export type Coverage = Static<typeof CoverageSchema>;

/** The steps of a dispatch after sending. */
export type DispatchStep = 'arrive' | 'complete' | 'cancel';

/** GET /api/incidents/{id}/candidates: the fastest available teams with the needed capability, by road. */
export function getCandidates(id: number, limit = 5, signal?: AbortSignal): Promise<CandidateList> {
  return getJson<CandidateList>(`/api/incidents/${id}/candidates`, { limit }, signal);
}

/** POST /api/dispatches: send a team to an accepted incident (409 names who has the team). */
export function createDispatch(body: {
  incidentId: number;
  teamId: number;
  note?: string;
}): Promise<Dispatch> {
  return request<Dispatch>('POST', '/api/dispatches', { body });
}

/** Filters of getDispatches(). */
export interface DispatchQuery {
  /** Only active or on-scene dispatches. */
  open?: boolean;
  incidentId?: number;
  teamId?: number;
  limit?: number;
}

/** GET /api/dispatches: dispatches of incidents in my area, newest first. */
export function getDispatches(query: DispatchQuery = {}, signal?: AbortSignal): Promise<Dispatch[]> {
  return getJson<Dispatch[]>('/api/dispatches', { ...query }, signal);
}

/** POST /api/dispatches/{id}/arrive|complete|cancel. */
export function stepDispatch(id: number, step: DispatchStep, note?: string): Promise<Dispatch> {
  return request<Dispatch>('POST', `/api/dispatches/${id}/${step}`, { body: note ? { note } : {} });
}

/** POST /api/dispatches/{id}/reassign: send another team instead (nothing changes if it is taken). */
export function reassignDispatch(id: number, teamId: number, note?: string): Promise<Dispatch> {
  return request<Dispatch>('POST', `/api/dispatches/${id}/reassign`, {
    body: { teamId, ...(note ? { note } : {}) },
  });
}

/** POST /api/dispatches/plan: plan teams for the accepted incidents of an area; changes nothing. */
export function planDispatches(body: { area?: string; maxIncidents?: number }): Promise<Plan> {
  return request<Plan>('POST', '/api/dispatches/plan', { body });
}

/** POST /api/dispatches/plan/apply: apply a (possibly edited) plan, all or nothing (see planConflicts). */
export function applyPlan(assignments: Array<{ incidentId: number; teamId: number }>): Promise<Dispatch[]> {
  return request<Dispatch[]>('POST', '/api/dispatches/plan/apply', { body: { assignments } });
}

/** The per-line conflicts of a refused plan (409), or null for another error. */
export function planConflicts(error: unknown): PlanConflict[] | null {
  if (!(error instanceof ApiError) || error.status !== 409 || !error.body) return null;
  const conflicts = (error.body as ErrorBody & { conflicts?: PlanConflict[] }).conflicts;
  return Array.isArray(conflicts) ? conflicts : null;
}

/** Filters of getTeams() (status and kind comma-separated). */
export interface TeamQuery {
  status?: string;
  kind?: string;
  area?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

/** GET /api/teams: teams of my area with status and last fix (`stale` past the freshness limit). */
export function getTeams(query: TeamQuery = {}, signal?: AbortSignal): Promise<TeamList> {
  return getJson<TeamList>('/api/teams', { ...query }, signal);
}

/** PATCH /api/teams/{id}: put a team on or off duty. */
export function setTeamDuty(id: number, onDuty: boolean): Promise<Team> {
  return request<Team>('PATCH', `/api/teams/${id}`, { body: { onDuty } });
}

/** GET /api/teams/{id}/isochrones: where the team can be within each number of minutes by road. */
export function getTeamIsochrones(
  id: number,
  minutes: readonly number[] = [5, 10, 15],
  signal?: AbortSignal,
): Promise<Isochrones> {
  return getJson<Isochrones>(`/api/teams/${id}/isochrones`, { minutes: minutes.join(',') }, signal);
}

/** GET /api/coverage: the part of the city no available team reaches within the minutes (响应盲区). */
export function getCoverage(
  query: { minutes?: number; capability?: string } = {},
  signal?: AbortSignal,
): Promise<Coverage> {
  return getJson<Coverage>('/api/coverage', { ...query }, signal);
}

// ---------------------------------------------------------------------------------------------
// The command-centre screen and the live stream.

export {
  LiveConnection,
  acquireLive,
  liveUrl,
  sharedLive,
  type LiveEvent,
  type LiveKind,
  type LiveMessage,
  type LiveState,
  type LiveStatus,
} from './live.ts';

/** The big screen's figures for my area, with the stream position they reflect. */
export type ScreenSummary = Static<typeof ScreenSummarySchema>;
/** Incidents and team tracks of a time window, to replay. */
export type Playback = Static<typeof PlaybackSchema>;

/** GET /api/screen/summary: today's incidents, on-time rate, overdue, teams, risk sources, towns. */
export function getScreenSummary(signal?: AbortSignal): Promise<ScreenSummary> {
  return getJson<ScreenSummary>('/api/screen/summary', {}, signal);
}

/** GET /api/playback: incidents and team tracks between two instants (at most 7 days). */
export function getPlayback(from: string, to: string, signal?: AbortSignal): Promise<Playback> {
  return getJson<Playback>('/api/playback', { from, to }, signal);
}

// ---------------------------------------------------------------------------------------------
// Data import: upload a file into a layer, map its columns, run (all or nothing, or only the
// accepted rows), follow the progress, download the rejected rows, undo an applied import.

export type {
  ImportCoordinates,
  ImportCrs,
  ImportField,
  ImportFormat,
  ImportJob,
  ImportLayer,
  ImportProgress,
  ImportRejection,
  ImportRunBody,
  ImportStatus,
  ImportUploadQuery,
  RejectionReason,
};

/** Options of uploadImport(). */
export interface UploadOptions {
  /** Called as the file goes out: bytes sent so far and the total. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * POST /api/imports: send a file's raw bytes to be read for the preview; resolves with the job
 * (status `uploaded`). Made with XMLHttpRequest because fetch() reports no upload progress; it
 * carries the session cookie and CSRF token as request() does. A bad file rejects with ApiError
 * whose message says what is wrong; an aborted upload with a DOMException named AbortError.
 */
export function uploadImport(
  query: ImportUploadQuery,
  file: Blob,
  options: UploadOptions = {},
): Promise<ImportJob> {
  const { onProgress, signal } = options;
  return new Promise<ImportJob>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('upload aborted', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    const epoch = sessionEpoch;
    xhr.open('POST', apiUrl('/api/imports', { ...query }));
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener('abort', onAbort);
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'));
    xhr.onerror = () => reject(new TypeError('network error while uploading'));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // not JSON (e.g. a proxy error page): fall back to the status line
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as ImportJob);
        return;
      }
      const body = isErrorBody(parsed) ? parsed : null;
      if (xhr.status === 401 && epoch === sessionEpoch) {
        csrfToken = null;
        sessionEndedHandler?.();
      }
      reject(
        new ApiError(xhr.status, body?.message ?? `${xhr.status} ${xhr.statusText} (/api/imports)`, body),
      );
    };
    xhr.send(file);
  });
}

/** POST /api/imports/{id}/run: start reading, checking and writing (422 when the mapping is incomplete). */
export function runImport(id: number, body: ImportRunBody): Promise<ImportJob> {
  return request<ImportJob>('POST', `/api/imports/${id}/run`, { body });
}

/** GET /api/imports/{id}: the job with its progress (poll it while `running`). */
export function getImport(id: number, signal?: AbortSignal): Promise<ImportJob> {
  return getJson<ImportJob>(`/api/imports/${id}`, {}, signal);
}

/** POST /api/imports/{id}/cancel: stop a running import; nothing is written. */
export function cancelImport(id: number): Promise<ImportJob> {
  return request<ImportJob>('POST', `/api/imports/${id}/cancel`);
}

/** POST /api/imports/{id}/undo: take an applied import back (409 with the reason when it cannot be). */
export function undoImport(id: number): Promise<ImportJob> {
  return request<ImportJob>('POST', `/api/imports/${id}/undo`);
}

/** GET /api/imports: recent imports, newest first. */
export function listImports(signal?: AbortSignal): Promise<ImportJob[]> {
  return getJson<ImportJob[]>('/api/imports', {}, signal);
}

/**
 * URL of all rejected rows of an import as a file (a download link; the session cookie goes
 * along), with each row's `_message` in `lang`, the interface language.
 */
export function importRejectionsUrl(id: number, lang: RejectionLanguage): string {
  return apiUrl(`/api/imports/${id}/rejections`, { lang });
}
