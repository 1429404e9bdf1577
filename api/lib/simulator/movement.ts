/**
 * How each kind of team moves and how long jobs take: patrol speed and the pause between
 * patrol legs, how far from its base it patrols, and its speed on the way to an incident.
 * Fire and medical crews wait at their station (patrol speed 0) and move only when sent.
 */
import type { TeamKind } from './schedule.ts';
import { between } from './time.ts';

export interface Movement {
  /** Speed on patrol, km/h (0: stays put). */
  patrolKmh: number;
  /** Speed when sent to an incident, km/h. */
  respondKmh: number;
  /** Pause at each patrol stop, minutes [min, max). */
  dwellMin: readonly [number, number];
  /** Patrol stops lie within this many metres of the team's base. */
  radiusM: number;
  /** A vehicle: its fixes are sent more often than those of people on foot. */
  vehicle: boolean;
}

export const MOVEMENT: Readonly<Record<TeamKind, Movement>> = {
  police: { patrolKmh: 25, respondKmh: 40, dwellMin: [10, 30], radiusM: 5000, vehicle: true },
  urban_management: { patrolKmh: 20, respondKmh: 35, dwellMin: [15, 45], radiusM: 4000, vehicle: true },
  fire: { patrolKmh: 0, respondKmh: 45, dwellMin: [30, 60], radiusM: 0, vehicle: true },
  medical: { patrolKmh: 0, respondKmh: 45, dwellMin: [30, 60], radiusM: 0, vehicle: true },
  // on foot in their grid, a long stop at each household or shop visited; an e-bike when sent
  grid_worker: { patrolKmh: 4.5, respondKmh: 15, dwellMin: [120, 300], radiusM: 1200, vehicle: false },
  volunteer: { patrolKmh: 4, respondKmh: 12, dwellMin: [30, 90], radiusM: 1500, vehicle: false },
  mediator: { patrolKmh: 12, respondKmh: 20, dwellMin: [30, 90], radiusM: 3000, vehicle: false },
};

/** Minutes on scene by the capability an incident needs [min, max). */
const WORK_MIN: Readonly<Record<string, readonly [number, number]>> = {
  fire_rescue: [30, 90],
  medical: [15, 40],
  public_security: [15, 60],
  municipal_repair: [60, 240],
  urban_management: [30, 120],
  construction_supervision: [45, 150],
  grid_patrol: [15, 45],
  mediation: [60, 180],
};

/** Minutes a team spends on scene for an incident needing `capability` (u: a draw in [0, 1)). */
export function workMinutes(capability: string | null, u: number): number {
  const [lo, hi] = WORK_MIN[capability ?? ''] ?? [20, 60];
  return Math.round(between(u, lo, hi));
}

/** Metres per second from km/h. */
export function ms(kmh: number): number {
  return kmh / 3.6;
}
