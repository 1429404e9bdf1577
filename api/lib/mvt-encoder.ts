import { PbfWriter } from 'pbf';

/**
 * A Mapbox Vector Tile (v2.1) encoder for the embedded engine, which has no
 * ST_AsMVT. Geometry comes in tile coordinates (0..extent, y down), already clipped
 * and snapped to integers by SQL; values are typed the way PostGIS' ST_AsMVT types
 * them (non-negative integers uint, negative sint, other numbers double, text, bool),
 * so a client decodes the same features from either backend.
 */

export type TilePoint = [number, number];
export type TileGeometry =
  | { type: 'Point'; coordinates: TilePoint }
  | { type: 'MultiPoint'; coordinates: TilePoint[] }
  | { type: 'LineString'; coordinates: TilePoint[] }
  | { type: 'MultiLineString'; coordinates: TilePoint[][] }
  | { type: 'Polygon'; coordinates: TilePoint[][] }
  | { type: 'MultiPolygon'; coordinates: TilePoint[][][] };

export type TileValue = string | number | boolean | null | undefined;

export interface TileFeature {
  id?: number;
  geometry: TileGeometry;
  properties: Record<string, TileValue>;
}

export interface TileLayer {
  name: string;
  extent?: number;
  features: TileFeature[];
}

const MOVE_TO = 1;
const LINE_TO = 2;
const CLOSE_PATH = 7;
const command = (id: number, count: number) => (id & 0x7) | (count << 3);
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

/** Twice the signed area of a ring in tile coordinates (y down): positive = clockwise on screen. */
function ringArea2(ring: TilePoint[]): number {
  // the surveyor's formula, as the MVT specification defines ring orientation
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum;
}

/** Ring without the closing point and without repeated points. */
function openRing(ring: TilePoint[]): TilePoint[] {
  const out: TilePoint[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) out.pop();
  return out;
}

class GeometryWriter {
  readonly out: number[] = [];
  private x = 0;
  private y = 0;

  private move(points: TilePoint[], id: number): void {
    this.out.push(command(id, points.length));
    for (const [px, py] of points) {
      this.out.push(zigzag(px - this.x), zigzag(py - this.y));
      this.x = px;
      this.y = py;
    }
  }

  points(points: TilePoint[]): void {
    this.move(points, MOVE_TO);
  }

  line(points: TilePoint[]): void {
    if (points.length < 2) return;
    this.move([points[0]!], MOVE_TO);
    this.move(points.slice(1), LINE_TO);
  }

  /** A ring with the winding MVT requires: exterior clockwise (positive area), interior counter-clockwise. */
  ring(ring: TilePoint[], exterior: boolean): boolean {
    let pts = openRing(ring);
    if (pts.length < 3) return false;
    const area = ringArea2(pts);
    if (area === 0) return false;
    if (area > 0 !== exterior) pts = pts.reverse();
    this.move([pts[0]!], MOVE_TO);
    this.move(pts.slice(1), LINE_TO);
    this.out.push(command(CLOSE_PATH, 1));
    return true;
  }
}

function encodeGeometry(g: TileGeometry): { type: number; commands: number[] } | null {
  const w = new GeometryWriter();
  switch (g.type) {
    case 'Point':
      w.points([g.coordinates]);
      return { type: 1, commands: w.out };
    case 'MultiPoint':
      if (g.coordinates.length === 0) return null;
      w.points(g.coordinates);
      return { type: 1, commands: w.out };
    case 'LineString':
      w.line(g.coordinates);
      return w.out.length ? { type: 2, commands: w.out } : null;
    case 'MultiLineString':
      for (const l of g.coordinates) w.line(l);
      return w.out.length ? { type: 2, commands: w.out } : null;
    case 'Polygon':
    case 'MultiPolygon': {
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      for (const poly of polys) {
        const [shell, ...holes] = poly;
        if (!shell || !w.ring(shell, true)) continue;
        for (const h of holes) w.ring(h, false);
      }
      return w.out.length ? { type: 3, commands: w.out } : null;
    }
  }
}

function writeValue(v: string | number | boolean, pbf: PbfWriter): void {
  if (typeof v === 'string') pbf.writeStringField(1, v);
  else if (typeof v === 'boolean') pbf.writeBooleanField(7, v);
  else if (Number.isInteger(v) && v >= 0) pbf.writeVarintField(5, v);
  else if (Number.isInteger(v)) pbf.writeSVarintField(6, v);
  else pbf.writeDoubleField(3, v);
}

function writeLayer(layer: TileLayer, pbf: PbfWriter): void {
  pbf.writeVarintField(15, 2);
  pbf.writeStringField(1, layer.name);
  const keys = new Map<string, number>();
  const values = new Map<string, number>();
  const valueList: Array<string | number | boolean> = [];
  for (const f of layer.features) {
    const geom = encodeGeometry(f.geometry);
    if (!geom) continue;
    const tags: number[] = [];
    for (const [k, v] of Object.entries(f.properties)) {
      if (v === null || v === undefined) continue;
      let ki = keys.get(k);
      if (ki === undefined) keys.set(k, (ki = keys.size));
      const vk = `${typeof v}:${String(v)}`;
      let vi = values.get(vk);
      if (vi === undefined) {
        values.set(vk, (vi = valueList.length));
        valueList.push(v);
      }
      tags.push(ki, vi);
    }
    pbf.writeMessage(
      2,
      (_: null, p: PbfWriter) => {
        if (f.id !== undefined) p.writeVarintField(1, f.id);
        if (tags.length) p.writePackedVarint(2, tags);
        p.writeVarintField(3, geom.type);
        p.writePackedVarint(4, geom.commands);
      },
      null,
    );
  }
  for (const k of keys.keys()) pbf.writeStringField(3, k);
  for (const v of valueList) pbf.writeMessage(4, writeValue, v);
  pbf.writeVarintField(5, layer.extent ?? 4096);
}

/** Encodes layers into one tile; layers without any feature are left out. */
export function encodeTile(layers: TileLayer[]): Uint8Array {
  const pbf = new PbfWriter();
  for (const layer of layers) {
    if (layer.features.length === 0) continue;
    pbf.writeMessage(3, writeLayer, layer);
  }
  return pbf.finish();
}
