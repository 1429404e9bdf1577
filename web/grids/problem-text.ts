import type { GridProblemCode, GridProblemKind } from '../../api/lib/grid-geometry.ts';
import type { ValidityReasonCode } from '../../api/lib/postgis-validity.ts';
import { VALIDITY_REASON_CODES } from '../../api/lib/postgis-validity.ts';
import type { GridProblem } from '../api/client.ts';
import type { I18n, MessageKey, MessageParams } from '../i18n.ts';

/**
 * The problems of an outline in the user's language. The API gives each problem a `code` of
 * GRID_PROBLEM_CODES and its `params`; every code has its `grids.problemCode.<code>` message and
 * every validity reason its `grids.validity.<reason>` in web/i18n.ts (a missing one fails the
 * typecheck here). The English `message` of the API is never shown.
 */

/** The catalogue key of a problem's code. */
export function problemKey(code: GridProblemCode): MessageKey {
  return `grids.problemCode.${code}`;
}

/** The catalogue key of a validity reason. */
export function validityKey(reason: ValidityReasonCode): MessageKey {
  return `grids.validity.${reason}`;
}

/** The catalogue key of a problem's kind (the short heading of a problem). */
export function problemKindKey(kind: GridProblemKind): MessageKey {
  return `grids.problem.${kind}`;
}

function isValidityReason(value: unknown): value is ValidityReasonCode {
  return (VALIDITY_REASON_CODES as readonly unknown[]).includes(value);
}

/** Names of the areas the page knows (villages, grids), by code. */
export type AreaNames = ReadonlyMap<string, string>;

/** An area named for the user: its name and code, or the code alone when the name is unknown. */
function named(code: string, names: AreaNames): string {
  const name = names.get(code);
  return name ? `${name} (${code})` : code;
}

/** Which ring a position problem lies in: the outer ring, hole n, or the split line (-1). */
function ringText(ring: unknown, t: I18n['t']): string {
  const n = typeof ring === 'number' ? ring : Number(ring);
  if (n === -1) return t('grids.ring.line');
  if (n === 0 || !Number.isFinite(n)) return t('grids.ring.outer');
  return t('grids.ring.hole', { n });
}

/** The parameters of a problem as its message shows them: rings, reasons and areas in words. */
function shownParams(p: GridProblem, t: I18n['t'], names: AreaNames): MessageParams {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(p.params)) out[name] = value ?? '—';
  if ('ring' in p.params) out.ring = ringText(p.params.ring, t);
  if (p.code === 'invalid') {
    const reason = p.params.reason;
    out.reason = t(validityKey(isValidityReason(reason) ? reason : 'unknown'));
  }
  if (p.code === 'overlaps_feature' && typeof p.params.other === 'number') out.other = `#${p.params.other}`;
  else if (typeof p.params.other === 'string') out.other = named(p.params.other, names);
  if (typeof p.params.village === 'string') out.village = named(p.params.village, names);
  if (p.code === 'not_in_village' && typeof p.params.code === 'string')
    out.code = named(p.params.code, names);
  return out;
}

/** A problem's sentence in the current language, grids and villages named where the page knows them. */
export function problemText(p: GridProblem, t: I18n['t'], names: AreaNames = new Map()): string {
  return t(problemKey(p.code), shownParams(p, t, names));
}
