/** The rotation shows the city, then this many towns with the most open incidents. */
export const ROTATE_TOWNS = 3;

/** The view of the whole city. */
export const CITY_VIEW = 'city';

/**
 * The views the screen rotates over: the city, then the towns (among those with an outline)
 * with the most open incidents, busiest first.
 */
export function rotationViews(
  outlined: readonly { code: string }[],
  ranking: readonly { code: string; open: number }[],
  max = ROTATE_TOWNS,
): string[] {
  const known = new Set(outlined.map((t) => t.code));
  const busiest = ranking
    .filter((t) => t.open > 0 && known.has(t.code))
    .sort((a, b) => b.open - a.open)
    .slice(0, max)
    .map((t) => t.code);
  return [CITY_VIEW, ...busiest];
}

/** Where the rotation is: a count of steps, read modulo the views there are now. */
export interface RotationState {
  index: number;
}

export type RotationAction =
  /** Time for the next view, among `count`. */
  { type: 'next'; count: number };

export const ROTATION_START: RotationState = { index: 0 };

/** The rotation's state machine: the next view after the last comes the first. */
export function rotationReducer(state: RotationState, action: RotationAction): RotationState {
  return { index: (state.index + 1) % Math.max(1, action.count) };
}

/** The view shown: the list may have changed since the last step, so the index wraps. */
export function currentView(views: readonly string[], state: RotationState): { view: string; at: number } {
  if (views.length === 0) return { view: CITY_VIEW, at: 0 };
  const at = state.index % views.length;
  return { view: views[at] ?? CITY_VIEW, at };
}
