import { describe, expect, it } from 'vitest';
import type { AreaFeature, AreaStat } from '../../web/api/client.ts';
import {
  buildLayers,
  countLayerItems,
  riskIndexBreaks,
  riskIndexClass,
  TOWN_AGGREGATE_LAYER_ID,
  townBubbleRadius,
  type MapLayerState,
  type ToggleId,
} from '../../web/map/layers/index.ts';
import { townAggregateState } from '../../web/risk-map/town-aggregates.ts';

const ON = Object.fromEntries(
  ['towns', 'villages', 'grids', 'sites', 'components', 'risk_sources', 'cameras', 'teams', 'incidents'].map(
    (k) => [k, true],
  ),
) as Record<ToggleId, boolean>;

function town(code: string, west: number, labelPoint: [number, number] | null): AreaFeature {
  return {
    type: 'Feature',
    id: code,
    geometry: {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [west, 23],
            [west + 0.1, 23],
            [west + 0.1, 23.05],
            [west, 23],
          ],
        ],
      ],
    },
    properties: { code, name: code, level: 'town', labelPoint },
  } as unknown as AreaFeature;
}

function stat(code: string, openIncidents: number, riskIndex: number): AreaStat {
  return {
    code,
    name: code,
    population: null,
    openIncidents,
    riskSources: 0,
    riskIndex,
    openIncidentsPer10k: null,
    riskIndexPer10k: null,
  };
}

const TOWNS = [town('a', 113.6, [113.65, 23.02]), town('b', 113.8, [113.85, 23.02]), town('c', 114, null)];
const STATS = new Map([
  ['a', stat('a', 40, 30)],
  ['b', stat('b', 10, 2)],
]);

function state(zoom: number): MapLayerState {
  const point = {
    layer: 'sites' as const,
    id: 1,
    position: [113.7, 23] as [number, number],
    count: null,
    properties: {},
  };
  return {
    zoom,
    language: 'zh-CN',
    visible: ON,
    areas: { town: TOWNS, village: [], grid: [] },
    tiles: { sites: { points: [point], tileZoom: 12, clustered: false, loading: false, error: null } },
    townAggregates: townAggregateState(TOWNS, STATS),
  };
}

describe('the city overview: one bubble per town', () => {
  it('takes each town with a label point, its box, open incidents and risk index', () => {
    const s = townAggregateState(TOWNS, STATS)!;
    expect(s.towns.map((t) => t.code)).toEqual(['a', 'b']);
    expect(s.towns[0]).toMatchObject({ position: [113.65, 23.02], openIncidents: 40, riskIndex: 30 });
    expect(s.towns[0]!.bbox[0]).toBeCloseTo(113.6, 9);
    expect(s.towns[0]!.bbox[1]).toBeCloseTo(23, 9);
    expect(s.towns[0]!.bbox[2]).toBeCloseTo(113.7, 9);
    expect(s.towns[0]!.bbox[3]).toBeCloseTo(23.05, 9);
    expect(s.maxOpen).toBe(40);
    expect(townAggregateState(TOWNS, undefined)).toBeNull();
  });

  it('draws the bubbles below zoom 11 and not from it on', () => {
    const low = countLayerItems(buildLayers(state(10.5)));
    expect(low[TOWN_AGGREGATE_LAYER_ID]).toBe(2);
    const high = countLayerItems(buildLayers(state(11)));
    expect(high[TOWN_AGGREGATE_LAYER_ID]).toBeUndefined();
    expect(high['sites']).toBe(1);
  });

  it('sizes bubbles by area (radius grows with the square root) and colours by risk index class', () => {
    expect(townBubbleRadius(0, 40)).toBe(8);
    expect(townBubbleRadius(40, 40)).toBe(22);
    // a quarter of the incidents: half way between the smallest and the largest radius
    expect(townBubbleRadius(10, 40)).toBeCloseTo(15, 9);
    const breaks = riskIndexBreaks([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(breaks).toEqual([2, 4, 6]);
    expect([0, 1, 2, 5, 6, 100].map((v) => riskIndexClass(v, breaks))).toEqual([0, 0, 1, 2, 3, 3]);
    // all towns alike: one class
    expect(riskIndexBreaks([3, 3, 3])).toEqual([]);
    expect(riskIndexClass(3, [])).toBe(0);
  });
});
