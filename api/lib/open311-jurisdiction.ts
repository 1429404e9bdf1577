import { DomainError } from './errors.ts';

/**
 * The one jurisdiction this GeoReport v2 endpoint serves: the city, by its NBS code (the root of
 * every area code, and the area of the anonymous citizen channel).
 */
export const OPEN311_JURISDICTION_ID = '441900';
export const OPEN311_JURISDICTION_NAME = '东莞市';

/**
 * GeoReport v2's `jurisdiction_id` is optional on a single-jurisdiction endpoint; when given it
 * must name this city, and another one is a 404 (in the spec's error format, by the error handler).
 */
export function checkJurisdiction(id: string | undefined): void {
  if (id === undefined || id === OPEN311_JURISDICTION_ID) return;
  throw new DomainError(
    404,
    'unknown_jurisdiction',
    `jurisdiction_id '${id}' is not served here; this endpoint serves ${OPEN311_JURISDICTION_ID} (${OPEN311_JURISDICTION_NAME})`,
    { jurisdiction_id: id },
  );
}
