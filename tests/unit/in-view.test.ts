import { describe, expect, it } from 'vitest';
import type { FeatureCollection } from '../../web/api/client.ts';
import { IN_VIEW_LIMIT, inViewItems, inViewQuery, roundedBounds } from '../../web/risk-map/in-view.ts';

const box = [113.7, 22.9, 113.8, 23.0] as const;

function collection(properties: Record<string, unknown>[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    truncated: false,
    features: properties.map((p, i) => ({
      type: 'Feature',
      id: i + 1,
      geometry: { type: 'Point', coordinates: [113.75, 22.95] },
      properties: p,
    })),
  };
}

describe('the features in view, as a list', () => {
  it('rounds the view outwards to 4 decimals', () => {
    expect(roundedBounds([113.70004, 22.90009, 113.80001, 22.99991])).toEqual([113.7, 22.9, 113.8001, 23]);
  });

  it('asks with the layer filter the tiles use; one risk level goes to the API', () => {
    expect(inViewQuery('sites', { kind: 'school', town: '441900003' }, box)).toEqual({
      bbox: box,
      limit: IN_VIEW_LIMIT,
      kind: 'school',
      status: undefined,
      town: '441900003',
      level: undefined,
    });
    expect(inViewQuery('risk_sources', { levels: [2] }, box)?.level).toBe(2);
    expect(inViewQuery('risk_sources', { levels: [1, 2] }, box)?.level).toBeUndefined();
    // the API has no priority filter
    expect(inViewQuery('incidents', { levels: [1] }, box)?.level).toBeUndefined();
  });

  it('asks nothing when no level is selected (the map draws none)', () => {
    expect(inViewQuery('risk_sources', { levels: [] }, box)).toBeNull();
  });

  it('keeps only the levels or priorities selected, and titles each item', () => {
    const risks = collection([
      { name: 'A', level: 1 },
      { name: 'B', level: 3 },
      { name: 'C', level: 4 },
    ]);
    expect(inViewItems('risk_sources', risks, { levels: [1, 4] }).map((i) => i.title)).toEqual(['A', 'C']);
    expect(inViewItems('risk_sources', risks, undefined)).toHaveLength(3);
    const incidents = collection([{ categoryName: '井盖', priority: 2 }, { priority: 1 }]);
    expect(inViewItems('incidents', incidents, { levels: [1] })).toEqual([
      { id: 2, title: '#2', position: [113.75, 22.95] },
    ]);
  });
});
