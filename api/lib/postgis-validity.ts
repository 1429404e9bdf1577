/**
 * The reasons PostGIS (GEOS) gives for an invalid geometry (`ST_IsValidReason`,
 * `reason(ST_IsValidDetail(…))`), each with a stable code the web app translates and the
 * Chinese the import rejections store. Longest first where one contains another, so that a
 * search by substring finds the most specific one; GEOS appends a position in brackets to
 * some reasons, which is not part of the match.
 */
export const VALIDITY_REASONS = [
  { en: 'Ring Self-intersection', code: 'ring_self_intersection', zh: '环自相交' },
  { en: 'Self-intersection', code: 'self_intersection', zh: '自相交' },
  { en: 'Hole lies outside shell', code: 'hole_outside_shell', zh: '内环位于外环之外' },
  { en: 'Holes are nested', code: 'nested_holes', zh: '内环相互嵌套' },
  { en: 'Nested shells', code: 'nested_shells', zh: '外环相互嵌套' },
  { en: 'Interior is disconnected', code: 'interior_disconnected', zh: '内部不连通' },
  { en: 'Duplicate Rings', code: 'duplicate_rings', zh: '存在重复的环' },
  {
    en: 'Too few distinct points in geometry component',
    code: 'too_few_distinct_points',
    zh: '几何部件的不同点过少',
  },
  { en: 'Too few points in geometry component', code: 'too_few_points', zh: '几何部件的点过少' },
  { en: 'Invalid Coordinate', code: 'invalid_coordinate', zh: '坐标无效' },
  { en: 'Ring is not closed', code: 'ring_not_closed', zh: '环未闭合' },
  { en: 'Repeated Point', code: 'repeated_point', zh: '存在重复点' },
] as const;

/** Code of a validity reason; `unknown` for one GEOS may add later. */
export type ValidityReasonCode = (typeof VALIDITY_REASONS)[number]['code'] | 'unknown';

/** Every code, for the lists that must cover them (the web app's translations). */
export const VALIDITY_REASON_CODES: readonly ValidityReasonCode[] = [
  ...VALIDITY_REASONS.map((r) => r.code),
  'unknown',
];

/** The code of a reason as PostGIS words it (case as GEOS writes it). */
export function validityReasonCode(reason: string | null | undefined): ValidityReasonCode {
  if (!reason) return 'unknown';
  return VALIDITY_REASONS.find((r) => reason.includes(r.en))?.code ?? 'unknown';
}
