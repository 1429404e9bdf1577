import { Type, type Static } from 'typebox';

/** The body of every 4xx/5xx answer. `message` says what was wrong or what was being attempted. */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
  },
  { $id: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;

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
