import { describe, expect, it } from 'vitest';
import type { AreaFeature } from '../../web/api/client.ts';
import {
  buildLayers,
  countLayerItems,
  type MapLayerState,
  type ScreenMapState,
  type ToggleId,
} from '../../web/map/layers/index.ts';

const OFF = Object.fromEntries(
  ['towns', 'villages', 'grids', 'sites', 'components', 'risk_sources', 'cameras', 'teams', 'incidents'].map(
    (k) => [k, false],
  ),
) as Record<ToggleId, boolean>;

function state(screen: ScreenMapState): MapLayerState {
  return {
    zoom: 10,
    language: 'zh-CN',
    visible: OFF,
    areas: { town: [], village: [], grid: [] },
    tiles: {},
    screen,
  };
}

const TOWN = {
  type: 'Feature',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [114, 23],
        [114.1, 23],
        [114.1, 23.1],
        [114, 23],
      ],
    ],
  },
  properties: { code: '441900110', name: '常平镇', level: 'town' },
} as unknown as AreaFeature;

describe("the layer registry draws the big screen's map", () => {
  it('live: town outlines, risk zones, teams, incidents (most urgent last), the alarm ring, in that order', () => {
    const layers = buildLayers(
      state({
        scale: 2,
        towns: [TOWN],
        highlightTown: '441900110',
        live: {
          incidents: [
            { id: 1, position: [114, 23], status: 'reported', priority: 1, category: '0403', townCode: null },
            { id: 2, position: [114, 23], status: 'closed', priority: 3, category: '0101', townCode: null },
          ],
          teams: [{ id: 5, position: [114, 23], status: 'available', kind: 'patrol', name: 'A' }],
          risks: [{ id: 9, position: [114, 23], level: 1, radiusM: 300 }],
          alarm: [114, 23],
        },
      }),
    );
    expect(layers.map((l) => l.id)).toEqual([
      'screen-towns',
      'screen-risk-zones',
      'screen-teams',
      'screen-incidents',
      'screen-alarm',
    ]);
    expect(countLayerItems(layers)).toEqual({
      'screen-towns': 1,
      'screen-risk-zones': 1,
      'screen-teams': 1,
      'screen-incidents': 2,
      'screen-alarm': 1,
    });
    const incidents = layers.find((l) => l.id === 'screen-incidents')!.props.data as { id: number }[];
    expect(incidents.map((i) => i.id)).toEqual([2, 1]);
  });

  it('no alarm, no ring; before the data came, the outlines only', () => {
    const live = { incidents: [], teams: [], risks: [], alarm: null };
    expect(
      buildLayers(state({ scale: 1, towns: [TOWN], highlightTown: null, live })).map((l) => l.id),
    ).toEqual(['screen-towns', 'screen-risk-zones', 'screen-teams', 'screen-incidents']);
    expect(buildLayers(state({ scale: 1, towns: [TOWN], highlightTown: null })).map((l) => l.id)).toEqual([
      'screen-towns',
    ]);
  });

  it('playback: town outlines, the tracks, the incidents so far, the teams on top', () => {
    const layers = buildLayers(
      state({
        scale: 1,
        towns: [TOWN],
        highlightTown: null,
        playback: {
          tracks: [
            {
              teamId: 5,
              times: [0, 1],
              positions: [
                [114, 23],
                [114.1, 23.1],
              ],
            },
          ],
          incidents: [{ position: [114, 23], status: 'reported', priority: 1, fresh: true }],
          teams: [[114.05, 23.05]],
        },
      }),
    );
    expect(layers.map((l) => l.id)).toEqual([
      'screen-towns',
      'playback-tracks',
      'playback-incidents',
      'playback-teams',
    ]);
  });

  it("draws none of the screen's layers on the other maps", () => {
    const { screen: _none, ...others } = state({ scale: 1, towns: [], highlightTown: null });
    expect(buildLayers(others)).toEqual([]);
  });
});
