import type { AreaCollection, AreaFeature, BBox, FeatureCollection, LiveEvent } from '../api/client.ts';
import { featurePosition, type LonLat } from '../map/layers/geometry.ts';
import type { ScreenIncident, ScreenRisk, ScreenTeam } from '../map/layers/screen-state.ts';

/** What the screen's live map draws, by id. Never changed in place: applyEvents() copies. */
export interface ScreenData {
  incidents: ReadonlyMap<number, ScreenIncident>;
  teams: ReadonlyMap<number, ScreenTeam>;
  risks: ReadonlyMap<number, ScreenRisk>;
}

/** The incident statuses still being handled: the map loads these (and follows live changes). */
export const OPEN_STATUSES = ['reported', 'accepted', 'dispatched', 'on_scene'] as const;

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

function num(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** The screen's data from the feature collections of the open incidents, the teams and the risk sources. */
export function screenDataFrom(
  incidentSets: readonly FeatureCollection[],
  teams: FeatureCollection,
  risks: FeatureCollection,
): ScreenData {
  const incidents = new Map<number, ScreenIncident>();
  for (const set of incidentSets) {
    for (const f of set.features) {
      const position = featurePosition(f);
      if (!position) continue;
      const p = f.properties;
      const id = Number(f.id);
      incidents.set(id, {
        id,
        position,
        status: str(p.status),
        priority: num(p.priority, 4),
        category: str(p.category),
        townCode: typeof p.townCode === 'string' ? p.townCode : null,
      });
    }
  }
  const teamMap = new Map<number, ScreenTeam>();
  for (const f of teams.features) {
    const position = featurePosition(f);
    if (!position) continue;
    const p = f.properties;
    const id = Number(f.id);
    teamMap.set(id, { id, position, status: str(p.status), kind: str(p.kind), name: str(p.name) });
  }
  const riskMap = new Map<number, ScreenRisk>();
  for (const f of risks.features) {
    const position = featurePosition(f);
    if (!position) continue;
    const p = f.properties;
    const id = Number(f.id);
    riskMap.set(id, { id, position, level: num(p.level, 4), radiusM: num(p.impactRadiusM, 0) });
  }
  return { incidents, teams: teamMap, risks: riskMap };
}

function eventPosition(data: Record<string, unknown>, fallback: LonLat | null): LonLat | null {
  const lon = data.lon;
  const lat = data.lat;
  return typeof lon === 'number' && typeof lat === 'number' ? [lon, lat] : fallback;
}

function incidentEntry(id: number, d: Record<string, unknown>, prev?: ScreenIncident): ScreenIncident | null {
  const position = eventPosition(d, prev?.position ?? null);
  if (!position) return null;
  return {
    id,
    position,
    status: str(d.status, prev?.status ?? 'reported'),
    priority: num(d.priority, prev?.priority ?? 4),
    category: str(d.category, prev?.category ?? ''),
    townCode: typeof d.townCode === 'string' ? d.townCode : (prev?.townCode ?? null),
  };
}

function teamEntry(id: number, d: Record<string, unknown>, prev?: ScreenTeam): ScreenTeam | null {
  const position = eventPosition(d, prev?.position ?? null);
  if (!position) return null;
  return {
    id,
    position,
    status: str(d.status, prev?.status ?? 'available'),
    kind: str(d.kind, prev?.kind ?? ''),
    name: str(d.name, prev?.name ?? ''),
  };
}

function riskEntry(id: number, d: Record<string, unknown>, prev?: ScreenRisk): ScreenRisk | null {
  const position = eventPosition(d, prev?.position ?? null);
  if (!position) return null;
  return { id, position, level: num(d.level, prev?.level ?? 4), radiusM: num(d.radiusM, prev?.radiusM ?? 0) };
}

/** One of the maps while events are applied: copied on its first change, never before. */
interface Draft<T> {
  map: ReadonlyMap<number, T>;
  copy: Map<number, T> | null;
}

function draft<T>(map: ReadonlyMap<number, T>): Draft<T> {
  return { map, copy: null };
}

/** Inserts and updates put the item at its new position and state; deletes take it away. */
function change<T>(
  d: Draft<T>,
  e: LiveEvent,
  entry: (id: number, data: Record<string, unknown>, prev?: T) => T | null,
): void {
  const id = Number(e.id);
  const current = d.copy ?? d.map;
  if (e.op === 'delete') {
    if (current.has(id)) (d.copy ??= new Map(d.map)).delete(id);
    return;
  }
  const next = entry(id, e.data, current.get(id));
  if (next) (d.copy ??= new Map(d.map)).set(id, next);
}

/**
 * The data after live events, in order. Pure and idempotent (the same events applied twice give
 * the same data); returns `data` itself when nothing drawn changed. Each map touched is copied
 * once per call, so a burst of events costs one copy.
 */
export function applyEvents(data: ScreenData, events: readonly LiveEvent[]): ScreenData {
  const incidents = draft(data.incidents);
  const teams = draft(data.teams);
  const risks = draft(data.risks);
  for (const e of events) {
    if (e.kind === 'incident') change(incidents, e, incidentEntry);
    else if (e.kind === 'team') change(teams, e, teamEntry);
    else if (e.kind === 'risk_source') change(risks, e, riskEntry);
  }
  if (!incidents.copy && !teams.copy && !risks.copy) return data;
  return {
    incidents: incidents.copy ?? data.incidents,
    teams: teams.copy ?? data.teams,
    risks: risks.copy ?? data.risks,
  };
}

/** A town outline with its box and name. */
export interface ScreenTown {
  code: string;
  name: string;
  bbox: BBox;
  feature: AreaFeature;
}

function extendBox(box: number[], coords: unknown): void {
  if (!Array.isArray(coords)) return;
  if (typeof coords[0] === 'number' && typeof coords[1] === 'number') {
    box[0] = Math.min(box[0] ?? Infinity, coords[0]);
    box[1] = Math.min(box[1] ?? Infinity, coords[1]);
    box[2] = Math.max(box[2] ?? -Infinity, coords[0]);
    box[3] = Math.max(box[3] ?? -Infinity, coords[1]);
    return;
  }
  for (const c of coords) extendBox(box, c);
}

/** The towns with an outline, each with its bounding box. */
export function screenTowns(collection: AreaCollection): ScreenTown[] {
  const out: ScreenTown[] = [];
  for (const f of collection.features) {
    if (!f.geometry) continue;
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    extendBox(box, (f.geometry as { coordinates?: unknown }).coordinates);
    if (!Number.isFinite(box[0])) continue;
    out.push({ code: f.properties.code, name: f.properties.name, bbox: box as unknown as BBox, feature: f });
  }
  return out;
}

/** The box around all towns (the city view). */
export function unionBox(towns: readonly ScreenTown[]): BBox | null {
  if (towns.length === 0) return null;
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const t of towns) {
    extendBox(box, [t.bbox[0], t.bbox[1]]);
    extendBox(box, [t.bbox[2], t.bbox[3]]);
  }
  return box as unknown as BBox;
}
