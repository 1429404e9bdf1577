import { Type, type Static } from 'typebox';
import { ERROR_CODES } from '../lib/error-codes.ts';

/** Stable code of a refusal (api/lib/error-codes.ts), for the UI to translate. */
export const ErrorCodeSchema = Type.Enum(ERROR_CODES, {
  description: 'stable code of the refusal, one of a closed list (e.g. incident_not_found, password_common)',
});

/** A refusal's parameters (what, which id, which limit …), to fill in its translation. */
export const ErrorParamsSchema = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
);

/**
 * The body of every 4xx/5xx answer. `message` says what was wrong or what was being
 * attempted, in English; `code` and `params` say the same for the UI to translate.
 */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    code: Type.Optional(ErrorCodeSchema),
    params: Type.Optional(ErrorParamsSchema),
  },
  { $id: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/**
 * Largest row id the API takes: ids are bigint columns, and a JSON number is exact only up
 * to 2^53 − 1, so a larger one could not name a row reliably anyway.
 */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A row id in a path, query or body. */
export const Id = (options: { description?: string } = {}) =>
  Type.Integer({ minimum: 1, maximum: MAX_ID, ...options });

/** Largest paging offset any list takes. */
export const MAX_OFFSET = 10_000_000;

/** An area code of any level: city 6, town 9, village 12 or grid 15 digits. */
export const AreaCode = Type.String({ pattern: '^(?:[0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})$' });

/** A town code (9-digit NBS code). */
export const TownCode = Type.String({ pattern: '^[0-9]{9}$', description: '9-digit NBS town code' });

/** GeoJSON geometry as produced by ST_AsGeoJSON (EPSG:4326, lon/lat). */
export const Geometry = Type.Object(
  {
    type: Type.String(),
    coordinates: Type.Array(Type.Unknown()),
  },
  { additionalProperties: true },
);
export type Geometry = Static<typeof Geometry>;

/** The 4xx answers of a route that reads and changes things in the caller's area. */
export const ERRORS_4XX = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};
