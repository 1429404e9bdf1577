/**
 * Which teams send a position fix now. Every team on duty wants one every `intervalMs` of
 * simulated time (30 s, as a tracker), but the database takes only so many a second (each
 * fix is a transaction with its history row and live event): a fixed budget per tick goes
 * first to teams driving to an incident, then to vehicles, then to people on foot, each
 * team's claim growing with the real time since its last fix. With more teams than the
 * budget allows every 30 s, fixes come less often (people on foot every few minutes, within
 * the freshness dispatch asks for) instead of overloading the engine.
 */

export interface FixClaim {
  teamId: number;
  /** Claim per millisecond waited: higher goes first. */
  weight: number;
  /** Real and simulated time of the team's last fix (-Infinity: never). */
  lastRealMs: number;
  lastSimMs: number;
}

/** Weights of the three classes of teams. */
export const FIX_WEIGHT = { responding: 1000, vehicle: 10, onFoot: 1 } as const;

/**
 * The teams (at most `budget`) that send a fix now: those whose last fix is at least
 * `intervalMs` of simulated time old. Teams driving to an incident come first, whatever the
 * others have waited (a dispatcher watches them); then the others by their claim (weight ×
 * real time waited; a team that has sent none yet before any that has), highest first; ties
 * by weight, then team id.
 */
export function pickFixes(
  claims: readonly FixClaim[],
  nowRealMs: number,
  nowSimMs: number,
  intervalMs: number,
  budget: number,
): number[] {
  if (budget <= 0) return [];
  const due = claims.filter((c) => nowSimMs - c.lastSimMs >= intervalMs);
  const claim = (c: FixClaim) =>
    c.lastRealMs === -Infinity ? Infinity : c.weight * Math.max(0, nowRealMs - c.lastRealMs);
  const first = (c: FixClaim) => (c.weight >= FIX_WEIGHT.responding ? 1 : 0);
  const order = (a: FixClaim, b: FixClaim) => {
    const ca = claim(a);
    const cb = claim(b);
    return (
      first(b) - first(a) || (ca === cb ? 0 : cb > ca ? 1 : -1) || b.weight - a.weight || a.teamId - b.teamId
    );
  };
  due.sort(order);
  return due.slice(0, budget).map((c) => c.teamId);
}
