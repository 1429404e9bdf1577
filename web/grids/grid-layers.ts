import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';

/**
 * The grid editor's MapLibre sources and layers (GeoJSON, EPSG:4326), drawn above the basemap:
 * the parent and village outlines, the grids, the gaps (orange), the problems of the current
 * outline (red), the draft being drawn with its vertices and midpoint handles, the selection
 * and a historical version.
 */
export const GRID_SOURCES = [
  'g-villages',
  'g-parent',
  'g-grids',
  'g-gaps',
  'g-history',
  'g-selected',
  'g-problems',
  'g-draft',
  'g-handles',
] as const;
export type GridSourceId = (typeof GRID_SOURCES)[number];

/** The layer that answers clicks on grids. */
export const GRID_FILL_LAYER = 'g-grids-fill';

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/** Adds the sources and layers once (idempotent). */
export function addGridLayers(map: MapLibreMap): void {
  if (map.getSource('g-grids')) return;
  for (const id of GRID_SOURCES) map.addSource(id, { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: GRID_FILL_LAYER,
    type: 'fill',
    source: 'g-grids',
    paint: { 'fill-color': '#3d6fb6', 'fill-opacity': 0.12 },
  });
  map.addLayer({
    id: 'g-gaps-fill',
    type: 'fill',
    source: 'g-gaps',
    paint: { 'fill-color': '#f08c00', 'fill-opacity': 0.45 },
  });
  map.addLayer({
    id: 'g-grids-line',
    type: 'line',
    source: 'g-grids',
    paint: { 'line-color': '#3d6fb6', 'line-width': 1.5 },
  });
  map.addLayer({
    id: 'g-villages-line',
    type: 'line',
    source: 'g-villages',
    paint: { 'line-color': '#6b7a99', 'line-width': 1.5, 'line-dasharray': [3, 2] },
  });
  map.addLayer({
    id: 'g-parent-line',
    type: 'line',
    source: 'g-parent',
    paint: { 'line-color': '#54308c', 'line-width': 3 },
  });
  map.addLayer({
    id: 'g-selected-fill',
    type: 'fill',
    source: 'g-selected',
    paint: { 'fill-color': '#54308c', 'fill-opacity': 0.25 },
  });
  map.addLayer({
    id: 'g-selected-line',
    type: 'line',
    source: 'g-selected',
    paint: { 'line-color': '#54308c', 'line-width': 2.5 },
  });
  map.addLayer({
    id: 'g-history-line',
    type: 'line',
    source: 'g-history',
    paint: { 'line-color': '#0f766e', 'line-width': 2.5, 'line-dasharray': [2, 2] },
  });
  map.addLayer({
    id: 'g-problems-fill',
    type: 'fill',
    source: 'g-problems',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': '#d7191c', 'fill-opacity': 0.55 },
  });
  map.addLayer({
    id: 'g-problems-line',
    type: 'line',
    source: 'g-problems',
    paint: { 'line-color': '#d7191c', 'line-width': 2 },
  });
  map.addLayer({
    id: 'g-problems-point',
    type: 'circle',
    source: 'g-problems',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: {
      'circle-radius': 7,
      'circle-color': '#d7191c',
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 2,
    },
  });
  map.addLayer({
    id: 'g-draft-fill',
    type: 'fill',
    source: 'g-draft',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': '#12b886', 'fill-opacity': 0.2 },
  });
  map.addLayer({
    id: 'g-draft-line',
    type: 'line',
    source: 'g-draft',
    paint: { 'line-color': '#087f5b', 'line-width': 2 },
  });
  map.addLayer({
    id: 'g-handles-mid',
    type: 'circle',
    source: 'g-handles',
    filter: ['==', ['get', 'role'], 'mid'],
    paint: {
      'circle-radius': 4,
      'circle-color': '#fff',
      'circle-stroke-color': '#087f5b',
      'circle-stroke-width': 1.5,
    },
  });
  map.addLayer({
    id: 'g-handles-vertex',
    type: 'circle',
    source: 'g-handles',
    filter: ['==', ['get', 'role'], 'vertex'],
    paint: {
      'circle-radius': 5,
      'circle-color': '#087f5b',
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 1.5,
    },
  });
}

/** Replaces the data of one of the editor's sources. */
export function setGridData(map: MapLibreMap, id: GridSourceId, data: GeoJSON.FeatureCollection): void {
  (map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
}
