import type { GridFeature, GridListing, GridProblem } from '../../api/client.ts';
import type { Rgba } from '../colors.ts';

/** An outline as the grid editor draws it (GeoJSON, EPSG:4326). */
export type EditorGeometry = { type: string; coordinates: unknown[] };

/** A position [lon, lat] in degrees. */
type LonLat = readonly [number, number];

/** The outline being drawn or reshaped, or the split line (open rings, as the draft keeps them). */
export interface EditorDraft {
  mode: 'view' | 'draw' | 'reshape' | 'split';
  ring: readonly LonLat[];
  holes: readonly (readonly LonLat[])[];
  closed: boolean;
  line: readonly LonLat[];
}

/**
 * What the grid editor (/grids) draws: the parent and village outlines, the grids and the gaps
 * of the listing, the selected grids and a past version of one, the problems of the outline
 * being checked, and the draft with its corners. Arrays keep their identity between renders
 * (the page memoises them), so deck.gl uploads them again only when they change.
 */
export interface GridEditorMapState {
  parent: EditorGeometry | null;
  /** Under a town: its villages' outlines. */
  villages: readonly EditorGeometry[];
  /** The grids drawn (a grid being reshaped is left out: the draft stands for it). */
  grids: readonly GridFeature[];
  gaps: readonly GridListing['gaps']['features'][number][];
  /** The selected grids, emphasised (none while reshaping). */
  selected: readonly GridFeature[];
  /** A past version of the selected grid, shown from its history. */
  history: EditorGeometry | null;
  /** Problems of the outline being checked or of a refused save or import, with their geometry. */
  problems: readonly GridProblem[];
  draft: EditorDraft;
}

/** Colours of the grid editor's layers. */
export const GRID_EDITOR_COLOR = {
  grid: [61, 111, 182, 255] as Rgba,
  gridFill: [61, 111, 182, 31] as Rgba,
  gap: [240, 140, 0, 115] as Rgba,
  village: [107, 122, 153, 220] as Rgba,
  parent: [84, 48, 140, 255] as Rgba,
  selected: [84, 48, 140, 255] as Rgba,
  selectedFill: [84, 48, 140, 64] as Rgba,
  history: [15, 118, 110, 255] as Rgba,
  problem: [215, 25, 28, 255] as Rgba,
  problemFill: [215, 25, 28, 140] as Rgba,
  draft: [8, 127, 91, 255] as Rgba,
  draftFill: [18, 184, 134, 51] as Rgba,
  white: [255, 255, 255, 255] as Rgba,
};
