import type { Layer, PickingInfo } from '@deck.gl/core';
import { GeoJsonLayer, LineLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { LngLatBounds, type Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../api/lib/chinese-coordinates.ts';
import { displayMap, displayShiftOf, rawMap, setDisplayShift } from '../../web/map/display-map.ts';
import {
  GCJ02_SHIFT,
  NO_SHIFT,
  shiftGeoJson,
  shiftLayer,
  storedObject,
  unshiftPickingInfo,
  type LonLat,
} from '../../web/map/display-shift.ts';
import { buildLayers, type MapLayerState } from '../../web/map/layers/index.ts';

/** Two places in Dongguan some 40 km apart: the offset differs between them. */
const A: LonLat = [113.75, 22.95];
const B: LonLat = [114.1, 22.75];

function close(actual: readonly number[], expected: readonly number[], eps = 1e-9): void {
  expect(actual.length).toBeGreaterThanOrEqual(2);
  expect(Math.abs((actual[0] ?? NaN) - (expected[0] ?? NaN))).toBeLessThan(eps);
  expect(Math.abs((actual[1] ?? NaN) - (expected[1] ?? NaN))).toBeLessThan(eps);
}

const g = (p: LonLat) => wgs84ToGcj02(p);

describe('shifting GeoJSON for a GCJ-02 basemap', () => {
  it('shifts every vertex of every geometry type on its own, not by one translation', () => {
    const ring = [A, [A[0] + 0.3, A[1]], B, A] as LonLat[];
    const features = [
      { type: 'Point', coordinates: A },
      { type: 'MultiPoint', coordinates: [A, B] },
      { type: 'LineString', coordinates: [A, B] },
      {
        type: 'MultiLineString',
        coordinates: [
          [A, B],
          [B, A],
        ],
      },
      { type: 'Polygon', coordinates: [ring] },
      { type: 'MultiPolygon', coordinates: [[ring], [ring]] },
    ].map((geometry, i) => ({ type: 'Feature', id: i, properties: { i }, geometry }));
    const out = shiftGeoJson(features, GCJ02_SHIFT);
    expect(out).not.toBe(features);
    close(out[0]!.geometry.coordinates as LonLat, g(A));
    close((out[1]!.geometry.coordinates as LonLat[])[1]!, g(B));
    close((out[2]!.geometry.coordinates as LonLat[])[0]!, g(A));
    close((out[3]!.geometry.coordinates as LonLat[][])[1]![0]!, g(B));
    const polygon = out[4]!.geometry.coordinates as LonLat[][];
    close(polygon[0]![1]!, g([A[0] + 0.3, A[1]]));
    close(polygon[0]![2]!, g(B));
    close((out[5]!.geometry.coordinates as LonLat[][][])[1]![0]![2]!, g(B));
    // the offsets at A and B differ by more than a metre: a single translation would be wrong
    const dA = [g(A)[0] - A[0], g(A)[1] - A[1]];
    const dB = [g(B)[0] - B[0], g(B)[1] - B[1]];
    expect(Math.hypot(dA[0]! - dB[0]!, dA[1]! - dB[1]!)).toBeGreaterThan(1e-5);
    // properties and ids are kept; the stored data are untouched
    expect(out[4]!.properties).toEqual({ i: 4 });
    expect(features[0]!.geometry.coordinates).toEqual(A);
  });

  it('handles collections, null geometries, elevation and a FeatureCollection', () => {
    const collection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'GeometryCollection',
            geometries: [
              { type: 'Point', coordinates: [A[0], A[1], 12] },
              { type: 'LineString', coordinates: [A, B] },
            ],
          },
        },
        { type: 'Feature', properties: {}, geometry: null },
      ],
    };
    const out = shiftGeoJson(collection, GCJ02_SHIFT);
    const geoms = (out.features[0]!.geometry as { geometries: { coordinates: number[] | number[][] }[] })
      .geometries;
    close(geoms[0]!.coordinates as number[], g(A));
    expect((geoms[0]!.coordinates as number[])[2]).toBe(12);
    close((geoms[1]!.coordinates as number[][])[1]!, g(B));
    expect(out.features[1]!.geometry).toBeNull();
  });

  it('converts a data object once and maps the shifted copy back to the stored object', () => {
    const features = [
      { type: 'Feature', properties: { code: 'x' }, geometry: { type: 'Point', coordinates: A } },
    ];
    const first = shiftGeoJson(features, GCJ02_SHIFT);
    expect(shiftGeoJson(features, GCJ02_SHIFT)).toBe(first);
    expect(storedObject(first[0])).toBe(features[0]);
    expect(storedObject(first)).toBe(features);
    expect(shiftGeoJson(features, NO_SHIFT)).toBe(features);
  });
});

describe('shifting deck.gl layers', () => {
  type Item = { position: LonLat; path: LonLat[]; flat: number[] };
  const item: Item = { position: A, path: [A, B], flat: [...A, ...B] };

  it('wraps getPosition, source/target positions and paths (nested and flat)', () => {
    const dots = shiftLayer(
      new ScatterplotLayer<Item>({ id: 'dots', data: [item], getPosition: (d) => d.position }),
      GCJ02_SHIFT,
    );
    close(
      (dots.props as unknown as { getPosition: (d: Item, i: unknown) => number[] }).getPosition(item, {}),
      g(A),
    );

    const lines = shiftLayer(
      new LineLayer<Item>({
        id: 'lines',
        data: [item],
        getSourcePosition: (d) => d.path[0]!,
        getTargetPosition: (d) => d.path[1]!,
      }),
      GCJ02_SHIFT,
    );
    const lp = lines.props as unknown as Record<string, (d: Item, i: unknown) => number[]>;
    close(lp.getSourcePosition!(item, {}), g(A));
    close(lp.getTargetPosition!(item, {}), g(B));

    const paths = shiftLayer(
      new PathLayer<Item>({ id: 'paths', data: [item], getPath: (d) => d.path }),
      GCJ02_SHIFT,
    );
    const path = (paths.props as unknown as { getPath: (d: Item, i: unknown) => number[][] }).getPath(
      item,
      {},
    );
    close(path[0]!, g(A));
    close(path[1]!, g(B));

    const flat = shiftLayer(
      new PathLayer<Item>({ id: 'flat', data: [item], getPath: (d) => d.flat, positionFormat: 'XY' }),
      GCJ02_SHIFT,
    );
    const f = (flat.props as unknown as { getPath: (d: Item, i: unknown) => number[] }).getPath(item, {});
    close(f.slice(0, 2), g(A));
    close(f.slice(2, 4), g(B));
  });

  it('shifts GeoJsonLayer data, and leaves layers alone without a shift', () => {
    const data = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: A } }];
    const layer = new GeoJsonLayer({ id: 'areas', data: data as never });
    const shifted = shiftLayer(layer, GCJ02_SHIFT);
    const d = shifted.props.data as unknown as typeof data;
    close(d[0]!.geometry.coordinates as LonLat, g(A));
    expect(shiftLayer(layer, NO_SHIFT)).toBe(layer);
  });

  it('adds the shift to the position update triggers, stable between renders', () => {
    const make = () =>
      new ScatterplotLayer<Item>({
        id: 'dots',
        data: [item],
        getPosition: (d) => d.position,
        updateTriggers: { getPosition: [3, 'v'] },
      });
    const t1 = shiftLayer(make(), GCJ02_SHIFT).props.updateTriggers as Record<string, unknown>;
    const t2 = shiftLayer(make(), GCJ02_SHIFT).props.updateTriggers as Record<string, unknown>;
    expect(t1.getPosition).toEqual({ 0: 3, 1: 'v', displayCrs: 'gcj02' });
    expect(t2.getPosition).toEqual(t1.getPosition);
    const off = shiftLayer(make(), NO_SHIFT, true).props.updateTriggers as Record<string, unknown>;
    expect(off.getPosition).toEqual({ 0: 3, 1: 'v', displayCrs: 'wgs84' });
  });

  it('shifts every layer the map page builds', () => {
    const area = (code: string) => ({
      type: 'Feature',
      properties: { code, name: code, level: 'town', parentCode: null, labelPoint: A },
      geometry: { type: 'Polygon', coordinates: [[A, [A[0] + 0.1, A[1]], B, A]] },
    });
    const point = (layer: string, count: number | null) => ({
      layer,
      id: count === null ? 1 : null,
      position: B,
      count,
      properties: { radius: 300, level: 1, status: 'available', priority: 1, kind: 'school' },
    });
    const tiles = Object.fromEntries(
      ['sites', 'components', 'risk_sources', 'cameras', 'teams', 'incidents'].map((l) => [
        l,
        {
          points: [point(l, null), point(l, 50)],
          tileZoom: 14,
          clustered: true,
          loading: false,
          error: null,
        },
      ]),
    );
    const state = {
      zoom: 15,
      language: 'zh-CN',
      visible: {
        towns: true,
        villages: true,
        grids: true,
        sites: true,
        components: true,
        risk_sources: true,
        cameras: true,
        teams: true,
        incidents: true,
      },
      areas: { town: [area('t')], village: [area('v')], grid: [area('g')] },
      tiles,
      homeArea: area('h'),
      selection: { position: A },
      analysis: {
        kind: 'around',
        center: A,
        radius: 500,
        result: {
          sites: [{ lon: B[0], lat: B[1] }],
          teams: [{ lon: B[0], lat: B[1], status: 'available' }],
          riskSources: [{ lon: B[0], lat: B[1], level: 1 }],
        },
      },
      choropleth: { level: 'town', metric: 'openIncidents', stats: new Map(), breaks: [] },
      density: { style: 'heatmap', points: [A, B] },
      routes: { incident: A, lines: [{ teamId: 1, team: B, path: [B, A] }], activeTeamId: 1 },
      plan: { lines: [{ incidentId: 1, priority: 1, incident: A, team: B, active: false }] },
      isochrones: {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { minutes: 5 }, geometry: area('i').geometry }],
      },
      coverage: { uncovered: { type: 'MultiPolygon', coordinates: [area('c').geometry.coordinates] } },
    } as unknown as MapLayerState;
    const layers = buildLayers(state);
    // and the hexagons in place of the heatmap
    layers.push(
      ...buildLayers({ ...state, density: { style: 'hexagon', points: [A, B] } }).filter(
        (l) => l.id === 'incidents-hexagon',
      ),
    );
    expect(layers.length).toBeGreaterThan(25);
    const kinds = new Set<string>();
    for (const layer of layers) {
      kinds.add(layer.constructor.name);
      const shifted: Layer = shiftLayer(layer, GCJ02_SHIFT);
      expect(shifted, layer.id).not.toBe(layer);
      const object = (Array.isArray(layer.props.data) ? layer.props.data : [])[0] as unknown;
      expect(object, layer.id).toBeDefined();
      if (layer instanceof GeoJsonLayer) {
        const before = JSON.stringify(layer.props.data);
        const after = JSON.stringify(shifted.props.data);
        expect(after, layer.id).not.toBe(before);
        // every position of the shifted data is the shift of the stored one
        const stored = (layer.props.data as { geometry: { coordinates: unknown } }[])[0]!.geometry
          .coordinates;
        const drawn = (shifted.props.data as { geometry: { coordinates: unknown } }[])[0]!.geometry
          .coordinates;
        const firstPos = (c: unknown): LonLat =>
          typeof (c as unknown[])[0] === 'number' ? (c as LonLat) : firstPos((c as unknown[])[0]);
        close(firstPos(drawn), g(firstPos(stored)));
        continue;
      }
      const props = layer.props as unknown as Record<string, unknown>;
      const sprops = shifted.props as unknown as Record<string, unknown>;
      let checked = 0;
      for (const name of ['getPosition', 'getSourcePosition', 'getTargetPosition']) {
        const get = props[name];
        if (typeof get !== 'function') continue;
        const p = get(object, { index: 0, data: layer.props.data, target: [] }) as LonLat;
        close(
          (sprops[name] as (o: unknown, i: unknown) => number[])(object, {
            index: 0,
            data: layer.props.data,
            target: [],
          }),
          g(p),
        );
        checked++;
      }
      if (typeof props.getPath === 'function') {
        const p = (props.getPath as (o: unknown, i: unknown) => LonLat[])(object, {});
        const s = (sprops.getPath as (o: unknown, i: unknown) => LonLat[])(object, {});
        close(s[0]!, g(p[0]!));
        checked++;
      }
      expect(checked, layer.id).toBeGreaterThan(0);
    }
    expect([...kinds].sort()).toEqual(
      [
        'GeoJsonLayer',
        'HeatmapLayer',
        'HexagonLayer',
        'LineLayer',
        'PathLayer',
        'ScatterplotLayer',
        'TextLayer',
      ].sort(),
    );
  });
});

describe('picked positions back to WGS84', () => {
  it('turns a picked coordinate back to the stored position (to 1e-9°) and hands back the stored object', () => {
    const stored = { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: B } };
    const drawn = shiftGeoJson([stored], GCJ02_SHIFT)[0];
    const info = { coordinate: g(B), object: drawn, picked: true } as unknown as PickingInfo;
    const back = unshiftPickingInfo(info, GCJ02_SHIFT);
    close(back.coordinate!, B, 1e-9);
    expect(back.object).toBe(stored);
    expect(unshiftPickingInfo(info, NO_SHIFT)).toBe(info);
  });
});

describe('the map as the app sees it on a GCJ-02 basemap', () => {
  /** A stand-in MapLibre map whose screen is the display lon/lat × 1000. */
  function fakeMap() {
    const listeners = new Map<string, ((e: unknown) => void)[]>();
    const calls: { name: string; args: unknown[] }[] = [];
    let center: LonLat = g(A);
    const data = new Map<string, unknown>();
    const map = {
      project: (ll: { lng: number; lat: number } | LonLat) => {
        const [lng, lat] = Array.isArray(ll) ? ll : [ll.lng, ll.lat];
        return { x: lng * 1000, y: lat * 1000 };
      },
      unproject: (p: [number, number]) => ({ lng: p[0] / 1000, lat: p[1] / 1000 }),
      getCenter: () => ({ lng: center[0], lat: center[1] }),
      getBounds: () => new LngLatBounds([113, 22], [114, 23]),
      jumpTo: (o: { center?: { lng: number; lat: number } | LonLat }) => {
        calls.push({ name: 'jumpTo', args: [o] });
        const c = o.center;
        if (c) center = Array.isArray(c) ? c : [c.lng, c.lat];
      },
      flyTo: (o: unknown) => calls.push({ name: 'flyTo', args: [o] }),
      fitBounds: (b: unknown) => calls.push({ name: 'fitBounds', args: [b] }),
      on: (type: string, f: (e: unknown) => void) => listeners.set(type, [...(listeners.get(type) ?? []), f]),
      off: (type: string, f: (e: unknown) => void) =>
        listeners.set(
          type,
          (listeners.get(type) ?? []).filter((x) => x !== f),
        ),
      addSource: (id: string, spec: { data: unknown }) => data.set(id, spec.data),
      getSource: (id: string) => ({ type: 'geojson', setData: (d: unknown) => data.set(id, d) }),
      getZoom: () => 12,
    };
    const fire = (type: string, e: unknown) => (listeners.get(type) ?? []).forEach((f) => f(e));
    return { map, calls, fire, data, listeners };
  }

  it('converts clicks, the view and camera moves at its edge', async () => {
    const { LngLat } = await import('maplibre-gl');
    const fake = fakeMap();
    const map = displayMap(fake.map as unknown as MapLibreMap, GCJ02_SHIFT);
    expect(rawMap(map)).toBe(fake.map);
    expect(displayShiftOf(map)).toBe(GCJ02_SHIFT);

    // a click where a stored position is drawn reads as that stored position
    let clicked: LonLat | null = null;
    const onClick = (e: { lngLat: { lng: number; lat: number } }) => {
      clicked = [e.lngLat.lng, e.lngLat.lat];
    };
    map.on('click', onClick as never);
    const drawnAt = g(B);
    fake.fire('click', { lngLat: new LngLat(drawnAt[0], drawnAt[1]), point: { x: 0, y: 0 } });
    close(clicked!, B, 1e-9);
    map.off('click', onClick as never);
    expect(fake.listeners.get('click')).toEqual([]);

    // unproject / project / getCenter are in stored coordinates
    const pt = map.project(B);
    close([pt.x / 1000, pt.y / 1000], g(B), 1e-9);
    const ll = map.unproject([drawnAt[0] * 1000, drawnAt[1] * 1000]);
    close([ll.lng, ll.lat], B, 1e-9);
    close([map.getCenter().lng, map.getCenter().lat], A, 1e-9);
    const bounds = map.getBounds();
    // the box of the four corners turned back (the shift is not a translation)
    const corners = (
      [
        [113, 22],
        [113, 23],
        [114, 22],
        [114, 23],
      ] as LonLat[]
    ).map((c) => gcj02ToWgs84(c));
    expect(bounds.getWest()).toBeCloseTo(Math.min(...corners.map((c) => c[0])), 9);
    expect(bounds.getNorth()).toBeCloseTo(Math.max(...corners.map((c) => c[1])), 9);

    // camera targets and fitted boxes are shifted for display
    map.flyTo({ center: B, zoom: 14 });
    const fly = fake.calls.find((c) => c.name === 'flyTo')!.args[0] as {
      center: { lng: number; lat: number };
    };
    close([fly.center.lng, fly.center.lat], g(B));
    map.fitBounds([A, B]);
    const box = fake.calls.find((c) => c.name === 'fitBounds')!.args[0] as {
      getWest(): number;
      getNorth(): number;
    };
    expect(box.getWest()).toBeCloseTo(Math.min(g(A)[0], g([A[0], B[1]])[0]), 9);

    // GeoJSON sources the app adds (the grid editor's) are drawn shifted
    const fc = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: B } }],
    };
    map.addSource('g-draft', { type: 'geojson', data: fc as never });
    close((fake.data.get('g-draft') as typeof fc).features[0]!.geometry.coordinates as LonLat, g(B));
    const moved = { ...fc, features: [{ ...fc.features[0]!, geometry: { type: 'Point', coordinates: A } }] };
    (map.getSource('g-draft') as unknown as { setData(d: unknown): void }).setData(moved);
    close((fake.data.get('g-draft') as typeof fc).features[0]!.geometry.coordinates as LonLat, g(A));

    // switching to a WGS84 basemap keeps the stored centre and redraws the sources unshifted
    setDisplayShift(map, NO_SHIFT);
    close([map.getCenter().lng, map.getCenter().lat], A, 1e-9);
    close((fake.data.get('g-draft') as typeof fc).features[0]!.geometry.coordinates as LonLat, A);
  });
});
