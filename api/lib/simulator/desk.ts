/**
 * The command centre's desk for synthetic incidents (the simulator's own reports and the
 * sample's history): accepts, rejects, merges second reports of the same matter, sends the
 * fastest team, verifies and closes, each after a plausible delay — so the sample city's
 * queue does not grow without end. Incidents that people report are left to people.
 *
 * Decisions and delays are drawn from the incident's id and state (unitHash), so a
 * restarted simulator, or the one of another process, decides the same.
 */
import { between, unitHash } from './time.ts';

export type DeskAction = 'accept' | 'reject' | 'merge' | 'dispatch' | 'verify_pass' | 'verify_fail' | 'close';

export interface DeskIncident {
  id: number;
  status: string;
  priority: number;
  reworkCount: number;
  /** When the incident last changed (real time, ms). */
  sinceMs: number;
}

export interface DeskDecision {
  action: DeskAction;
  /** Simulated minutes after `sinceMs` at which the desk acts. */
  afterMin: number;
}

const STATUS_SALT: Readonly<Record<string, number>> = { reported: 1, accepted: 2, resolved: 3, verified: 4 };

/** Share of reports the desk turns down (不予受理), and of resolved work sent back (返工). */
export const REJECT_SHARE = 0.04;
export const REWORK_SHARE = 0.05;

/**
 * What the desk does next with a synthetic incident and how long after its last change;
 * null when it waits for someone else (a team on its way or on scene). `duplicateOf`: the
 * open incident this one reports again, if the intake said so.
 */
export function deskDecision(inc: DeskIncident, duplicateOf: number | null = null): DeskDecision | null {
  const salt = STATUS_SALT[inc.status];
  if (salt === undefined) return null;
  const u = (k: number) => unitHash(inc.id, salt, inc.reworkCount, k);
  const urgent = inc.priority <= 1;
  switch (inc.status) {
    case 'reported':
      if (duplicateOf !== null) return { action: 'merge', afterMin: between(u(1), 3, 20) };
      if (!urgent && u(2) < REJECT_SHARE) return { action: 'reject', afterMin: between(u(1), 5, 40) };
      return { action: 'accept', afterMin: urgent ? between(u(1), 1, 3) : between(u(1), 2, 15) };
    case 'accepted':
      return { action: 'dispatch', afterMin: urgent ? between(u(1), 1, 3) : between(u(1), 2, 20) };
    case 'resolved':
      if (inc.reworkCount === 0 && u(2) < REWORK_SHARE)
        return { action: 'verify_fail', afterMin: between(u(1), 20, 120) };
      return { action: 'verify_pass', afterMin: between(u(1), 20, 120) };
    case 'verified':
      return { action: 'close', afterMin: between(u(1), 10, 60) };
    default:
      return null;
  }
}

/** True when the decision is due at `nowRealMs` for a simulation running `speed` × real time. */
export function deskDue(inc: DeskIncident, d: DeskDecision, nowRealMs: number, speed: number): boolean {
  return (nowRealMs - inc.sinceMs) * speed >= d.afterMin * 60_000;
}
