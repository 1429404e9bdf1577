/**
 * Colours of the map layers, as [r, g, b] or [r, g, b, a] (0–255) for deck.gl,
 * and as CSS hex for the legend, so both always agree.
 */

/** An RGBA colour, 0–255 per channel (deck.gl's accessor format). */
export type Rgba = [number, number, number, number];

/** A risk level of the national 双重预防 scheme: 1 重大, 2 较大, 3 一般, 4 低. */
export type RiskLevel = 1 | 2 | 3 | 4;

/** The four risk levels, most severe first. */
export const RISK_LEVELS: readonly RiskLevel[] = [1, 2, 3, 4];

/** Official national risk colours (red, orange, yellow, blue) as CSS hex. */
export const RISK_COLOR_HEX: Record<RiskLevel, string> = {
  1: '#E60012',
  2: '#FF7F00',
  3: '#FFD700',
  4: '#0070C0',
};

/** '#RRGGBB' → [r, g, b, alpha]. */
export function hexToRgba(hex: string, alpha = 255): Rgba {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

/** Risk colour of a level (anything unknown falls back to the lowest level's blue). */
export function riskColor(level: unknown, alpha = 255): Rgba {
  const key = (typeof level === 'number' ? level : Number(level)) as RiskLevel;
  return hexToRgba(RISK_COLOR_HEX[key] ?? RISK_COLOR_HEX[4], alpha);
}

/** Outline colours of the area levels (town boldest, grid faintest). */
export const AREA_LINE_COLOR = {
  town: [84, 48, 140, 230] as Rgba,
  village: [110, 96, 150, 170] as Rgba,
  grid: [140, 140, 160, 130] as Rgba,
};

/** The signed-in user's home area: a firm line over a soft halo. */
export const HOME_AREA_COLOR: Rgba = [84, 48, 140, 255];
export const HOME_AREA_HALO_COLOR: Rgba = [84, 48, 140, 55];

/** A qualitative palette for categories whose codes are not known in advance (site kinds). */
const CATEGORY_PALETTE: readonly Rgba[] = [
  [31, 119, 180, 230],
  [44, 160, 44, 230],
  [148, 103, 189, 230],
  [140, 86, 75, 230],
  [227, 119, 194, 230],
  [23, 190, 207, 230],
  [188, 189, 34, 230],
  [127, 127, 127, 230],
  [57, 59, 121, 230],
  [82, 84, 163, 230],
  [99, 121, 57, 230],
  [140, 109, 49, 230],
];

/**
 * A stable colour per category code: a string hash into a fixed palette, so a kind keeps its
 * colour across fetches and sessions without the client knowing the category list.
 */
export function categoryColor(code: unknown): Rgba {
  const s = String(code ?? '');
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return CATEGORY_PALETTE[h % CATEGORY_PALETTE.length] ?? [127, 127, 127, 230];
}

/** Team status colours: available green, dispatched amber, on scene magenta, off duty grey. */
export const TEAM_STATUS_COLOR: Record<string, Rgba> = {
  available: [22, 163, 74, 240],
  dispatched: [217, 119, 6, 240],
  on_scene: [192, 38, 211, 240],
  off_duty: [120, 120, 120, 200],
};

/** Ring round a team whose last position fix is stale (older than the freshness limit). */
export const TEAM_STALE_RING_COLOR: Rgba = [55, 65, 81, 230];

/** Candidate routes: the hovered or chosen one, and the others. */
export const ROUTE_ACTIVE_COLOR: Rgba = [37, 99, 235, 235];
export const ROUTE_OTHER_COLOR: Rgba = [100, 116, 139, 150];

/** Isochrones by minutes (5 darkest); the uncovered area (响应盲区). */
export const ISOCHRONE_COLOR: Record<number, Rgba> = {
  5: [22, 163, 74, 110],
  10: [234, 179, 8, 90],
  15: [249, 115, 22, 70],
};
export const COVERAGE_GAP_COLOR: Rgba = [220, 38, 38, 90];
export const COVERAGE_GAP_LINE_COLOR: Rgba = [185, 28, 28, 220];

/** Incident statuses after which nothing more is expected of the field (drawn grey). */
export const INCIDENT_DONE_STATUSES: ReadonlySet<string> = new Set([
  'resolved',
  'verified',
  'closed',
  'rejected',
  'merged',
]);

/**
 * Open-incident colours by priority (1 most urgent). Purples/pinks on purpose: red–orange–
 * yellow–blue belong to the risk levels and must not be confused with them.
 */
export const INCIDENT_PRIORITY_COLOR: Record<number, Rgba> = {
  1: [157, 23, 77, 250],
  2: [219, 39, 119, 240],
  3: [168, 85, 247, 230],
  4: [129, 140, 248, 220],
};

/** Colour of a closed-loop-finished incident. */
export const INCIDENT_DONE_COLOR: Rgba = [150, 150, 150, 180];
