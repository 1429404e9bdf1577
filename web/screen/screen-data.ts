import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Feature as GeoJsonFeature, Geometry as GeoJsonGeometry } from 'geojson';
import { getAreas, getLayerFeatures, type AreaFeature, type BBox, type LiveEvent } from '../api/client.ts';
import {
  INCIDENT_DONE_COLOR,
  INCIDENT_DONE_STATUSES,
  INCIDENT_PRIORITY_COLOR,
  TEAM_STATUS_COLOR,
  riskColor,
  type Rgba,
} from '../map/colors.ts';
import { featurePosition, type LonLat } from '../map/layers/geometry.ts';

/** An incident drawn on the screen. */
export interface ScreenIncident {
  id: number;
  position: LonLat;
  status: string;
  priority: number;
  category: string;
  townCode: string | null;
}

/** A team drawn on the screen. */
export interface ScreenTeam {
  id: number;
  position: LonLat;
  status: string;
  kind: string;
  name: string;
}

/** A risk source with its impact zone. */
export interface ScreenRisk {
  id: number;
  position: LonLat;
  level: number;
  radiusM: number;
}

/** What the screen's map draws, kept up to date by live events. */
export interface ScreenData {
  incidents: Map<number, ScreenIncident>;
  teams: Map<number, ScreenTeam>;
  risks: Map<number, ScreenRisk>;
}

/** The incident statuses still being handled: the map shows these (and live changes). */
const OPEN_STATUSES = ['reported', 'accepted', 'dispatched', 'on_scene'] as const;

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

function num(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** The open incidents, the teams and the risk sources of my area. */
export async function loadScreenData(signal: AbortSignal): Promise<ScreenData> {
  const [incidentSets, teams, risks] = await Promise.all([
    Promise.all(
      OPEN_STATUSES.map((status) => getLayerFeatures('incidents', { status, limit: 20000 }, signal)),
    ),
    getLayerFeatures('teams', { limit: 20000 }, signal),
    getLayerFeatures('risk_sources', { limit: 20000 }, signal),
  ]);
  const data: ScreenData = { incidents: new Map(), teams: new Map(), risks: new Map() };
  for (const set of incidentSets) {
    for (const f of set.features) {
      const position = featurePosition(f);
      const p = f.properties;
      if (!position) continue;
      const id = Number(f.id);
      data.incidents.set(id, {
        id,
        position,
        status: str(p.status),
        priority: num(p.priority, 4),
        category: str(p.category),
        townCode: typeof p.townCode === 'string' ? p.townCode : null,
      });
    }
  }
  for (const f of teams.features) {
    const position = featurePosition(f);
    if (!position) continue;
    const p = f.properties;
    const id = Number(f.id);
    data.teams.set(id, { id, position, status: str(p.status), kind: str(p.kind), name: str(p.name) });
  }
  for (const f of risks.features) {
    const position = featurePosition(f);
    if (!position) continue;
    const p = f.properties;
    const id = Number(f.id);
    data.risks.set(id, { id, position, level: num(p.level, 4), radiusM: num(p.impactRadiusM, 0) });
  }
  return data;
}

function eventPosition(data: Record<string, unknown>, fallback: LonLat | null): LonLat | null {
  const lon = data.lon;
  const lat = data.lat;
  return typeof lon === 'number' && typeof lat === 'number' ? [lon, lat] : fallback;
}

/**
 * Apply one live event to the drawn data (in place). Idempotent: the same event applied twice
 * leaves the same state. Returns whether anything drawn changed.
 */
export function applyEvent(store: ScreenData, e: LiveEvent): boolean {
  const id = Number(e.id);
  const d = e.data;
  if (e.kind === 'incident') {
    if (e.op === 'delete') return store.incidents.delete(id);
    const prev = store.incidents.get(id);
    const position = eventPosition(d, prev?.position ?? null);
    if (!position) return false;
    store.incidents.set(id, {
      id,
      position,
      status: str(d.status, prev?.status ?? 'reported'),
      priority: num(d.priority, prev?.priority ?? 4),
      category: str(d.category, prev?.category ?? ''),
      townCode: typeof d.townCode === 'string' ? d.townCode : (prev?.townCode ?? null),
    });
    return true;
  }
  if (e.kind === 'team') {
    if (e.op === 'delete') return store.teams.delete(id);
    const prev = store.teams.get(id);
    const position = eventPosition(d, prev?.position ?? null);
    if (!position) return false;
    store.teams.set(id, {
      id,
      position,
      status: str(d.status, prev?.status ?? 'available'),
      kind: str(d.kind, prev?.kind ?? ''),
      name: str(d.name, prev?.name ?? ''),
    });
    return true;
  }
  if (e.kind === 'risk_source') {
    if (e.op === 'delete') return store.risks.delete(id);
    const prev = store.risks.get(id);
    const position = eventPosition(d, prev?.position ?? null);
    if (!position) return false;
    store.risks.set(id, {
      id,
      position,
      level: num(d.level, prev?.level ?? 4),
      radiusM: num(d.radiusM, prev?.radiusM ?? 0),
    });
    return true;
  }
  return false;
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

/** The town outlines (simplified), each with its bounding box. */
export async function loadTowns(signal: AbortSignal): Promise<ScreenTown[]> {
  const collection = await getAreas({ level: 'town', geometry: true, simplify: 0.0005 }, signal);
  const out: ScreenTown[] = [];
  for (const f of collection.features) {
    if (!f.geometry) continue;
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    extendBox(box, (f.geometry as { coordinates?: unknown }).coordinates);
    if (!Number.isFinite(box[0])) continue;
    out.push({
      code: f.properties.code,
      name: f.properties.name,
      bbox: box as unknown as BBox,
      feature: f,
    });
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

/** Colour of an incident on the dark screen: by priority while open, grey once handled. */
export function screenIncidentColor(status: string, priority: number): Rgba {
  if (INCIDENT_DONE_STATUSES.has(status)) return INCIDENT_DONE_COLOR;
  const c = INCIDENT_PRIORITY_COLOR[priority] ?? INCIDENT_DONE_COLOR;
  // brighter on the dark basemap
  return priority === 1 ? [244, 63, 94, 255] : c;
}

/** Town outlines on the dark basemap. */
export function townLayer(towns: readonly ScreenTown[], highlight: string | null) {
  return new GeoJsonLayer<AreaFeature['properties']>({
    id: 'screen-towns',
    data: towns.map((t) => t.feature) as unknown as GeoJsonFeature<
      GeoJsonGeometry,
      AreaFeature['properties']
    >[],
    stroked: true,
    filled: true,
    getFillColor: (f) => (f.properties.code === highlight ? [56, 189, 248, 40] : [56, 189, 248, 6]),
    getLineColor: (f) => (f.properties.code === highlight ? [125, 211, 252, 255] : [125, 211, 252, 120]),
    lineWidthUnits: 'pixels',
    getLineWidth: (f) => (f.properties.code === highlight ? 3 : 1.2),
    pickable: false,
    updateTriggers: { getFillColor: highlight, getLineColor: highlight, getLineWidth: highlight },
  });
}

/** The live map's layers: risk zones, teams, incidents and the ring of the current alarm. */
export function liveLayers(data: ScreenData | null, version: number, scale: number, alarm: LonLat | null) {
  if (!data) return [];
  const risks = [...data.risks.values()];
  const teams = [...data.teams.values()];
  // most urgent drawn last (on top)
  const incidents = [...data.incidents.values()].sort((a, b) => b.priority - a.priority);
  return [
    new ScatterplotLayer<ScreenRisk>({
      id: 'screen-risk-zones',
      data: risks,
      getPosition: (r) => r.position,
      getRadius: (r) => Math.max(r.radiusM, 60),
      radiusUnits: 'meters',
      radiusMinPixels: 2 * scale,
      getFillColor: (r) => riskColor(r.level, r.level === 1 ? 70 : 40),
      getLineColor: (r) => riskColor(r.level, 200),
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: scale,
      updateTriggers: { getPosition: version, getFillColor: version },
    }),
    new ScatterplotLayer<ScreenTeam>({
      id: 'screen-teams',
      data: teams,
      getPosition: (t) => t.position,
      getFillColor: (t) => TEAM_STATUS_COLOR[t.status] ?? [120, 120, 120, 200],
      getLineColor: [15, 23, 42, 255],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: 3 * scale,
      lineWidthUnits: 'pixels',
      getLineWidth: scale,
      updateTriggers: { getPosition: version, getFillColor: version },
    }),
    new ScatterplotLayer<ScreenIncident>({
      id: 'screen-incidents',
      data: incidents,
      getPosition: (i) => i.position,
      getFillColor: (i) => screenIncidentColor(i.status, i.priority),
      getLineColor: [255, 255, 255, 220],
      stroked: true,
      radiusUnits: 'pixels',
      getRadius: (i) => (INCIDENT_DONE_STATUSES.has(i.status) ? 3 : 8 - i.priority) * scale,
      lineWidthUnits: 'pixels',
      getLineWidth: scale,
      updateTriggers: { getPosition: version, getFillColor: version, getRadius: [version, scale] },
    }),
    alarm &&
      new ScatterplotLayer<LonLat>({
        id: 'screen-alarm',
        data: [alarm],
        getPosition: (p) => p,
        filled: false,
        stroked: true,
        radiusUnits: 'pixels',
        getRadius: 22 * scale,
        lineWidthUnits: 'pixels',
        getLineWidth: 4 * scale,
        getLineColor: [239, 68, 68, 255],
      }),
  ];
}
