import { PbfReader } from 'pbf';

/** A property value of a vector tile feature. */
export type MvtValue = string | number | boolean | null;

/** One point of a decoded vector tile: tile-local coordinates (0…extent) and its properties. */
export interface MvtPoint {
  /** Feature id, when the tile carries one. */
  id: number | null;
  /** x, y in tile units (0 at the top-left corner, `extent` at the far edge). */
  x: number;
  y: number;
  properties: Record<string, MvtValue>;
}

/** One layer of a decoded tile: its points only (lines and polygons are skipped). */
export interface MvtLayer {
  name: string;
  extent: number;
  points: MvtPoint[];
}

interface RawLayer {
  name: string;
  extent: number;
  keys: string[];
  values: MvtValue[];
  features: { id: number | null; type: number; tags: number[]; geometry: number[] }[];
}

function readValue(pbf: PbfReader): MvtValue {
  let value: MvtValue = null;
  const end = pbf.readVarint() + pbf.pos;
  while (pbf.pos < end) {
    const tag = pbf.readVarint() >> 3;
    if (tag === 1) value = pbf.readString();
    else if (tag === 2) value = pbf.readFloat();
    else if (tag === 3) value = pbf.readDouble();
    else if (tag === 4) value = pbf.readVarint(true);
    else if (tag === 5) value = pbf.readVarint();
    else if (tag === 6) value = pbf.readSVarint();
    else if (tag === 7) value = pbf.readBoolean();
    else {
      pbf.pos = end;
      value = null;
    }
  }
  return value;
}

function readPacked(pbf: PbfReader): number[] {
  const out: number[] = [];
  const end = pbf.readVarint() + pbf.pos;
  while (pbf.pos < end) out.push(pbf.readVarint());
  return out;
}

function readFeature(pbf: PbfReader, end: number): RawLayer['features'][number] {
  const f: RawLayer['features'][number] = { id: null, type: 0, tags: [], geometry: [] };
  pbf.readFields(
    (tag, feature, p) => {
      if (tag === 1) feature.id = p.readVarint();
      else if (tag === 2) feature.tags = readPacked(p);
      else if (tag === 3) feature.type = p.readVarint();
      else if (tag === 4) feature.geometry = readPacked(p);
    },
    f,
    end,
  );
  return f;
}

function readLayer(pbf: PbfReader, end: number): RawLayer {
  const layer: RawLayer = { name: '', extent: 4096, keys: [], values: [], features: [] };
  pbf.readFields(
    (tag, l, p) => {
      if (tag === 1) l.name = p.readString();
      else if (tag === 2) l.features.push(readFeature(p, p.readVarint() + p.pos));
      else if (tag === 3) l.keys.push(p.readString());
      else if (tag === 4) l.values.push(readValue(p));
      else if (tag === 5) l.extent = p.readVarint();
    },
    layer,
    end,
  );
  return layer;
}

/** zig-zag decoding of a geometry parameter. */
function unzig(n: number): number {
  return (n >> 1) ^ -(n & 1);
}

/** The points of a (multi)point geometry command stream. */
function pointsOf(geometry: number[]): [number, number][] {
  const out: [number, number][] = [];
  let x = 0;
  let y = 0;
  let i = 0;
  while (i < geometry.length) {
    const command = geometry[i++] ?? 0;
    const id = command & 7;
    const count = command >> 3;
    if (id === 1 || id === 2) {
      for (let k = 0; k < count; k++) {
        x += unzig(geometry[i++] ?? 0);
        y += unzig(geometry[i++] ?? 0);
        if (id === 1) out.push([x, y]);
      }
    } else if (id !== 7) {
      break;
    }
  }
  return out;
}

/**
 * Decode the point features of a Mapbox Vector Tile (spec 2.1). A small decoder on the main
 * thread: the tiles here hold at most a few thousand points, and nothing needs a worker.
 */
export function decodePointTile(bytes: Uint8Array): MvtLayer[] {
  if (bytes.length === 0) return [];
  const pbf = new PbfReader(bytes);
  const raw: RawLayer[] = [];
  pbf.readFields((tag, layers, p) => {
    if (tag === 3) layers.push(readLayer(p, p.readVarint() + p.pos));
  }, raw);
  return raw.map((layer) => {
    const points: MvtPoint[] = [];
    for (const f of layer.features) {
      if (f.type !== 1) continue;
      const properties: Record<string, MvtValue> = {};
      for (let i = 0; i + 1 < f.tags.length; i += 2) {
        const key = layer.keys[f.tags[i] ?? -1];
        if (key !== undefined) properties[key] = layer.values[f.tags[i + 1] ?? -1] ?? null;
      }
      for (const [x, y] of pointsOf(f.geometry)) points.push({ id: f.id, x, y, properties });
    }
    return { name: layer.name, extent: layer.extent, points };
  });
}
