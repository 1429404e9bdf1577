import { Type } from 'typebox';

/** GeoReport v2 error list: [{code, description}]. */
export const Open311Errors = Type.Array(Type.Object({ code: Type.Integer(), description: Type.String() }));

export const Service = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Type.String(),
  metadata: Type.Boolean(),
  type: Type.Literal('realtime'),
  keywords: Type.String(),
  group: Type.String(),
});

export const ServiceDefinition = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(Type.Unknown()),
});

/** The city's id in GeoReport v2 (`jurisdiction_id`): optional, and when given it must be this one. */
const JurisdictionId = Type.Optional(
  Type.String({ maxLength: 100, description: 'the city: 441900 (东莞市); any other id answers 404' }),
);

/**
 * A new request. GeoReport v2 needs a position only when no address is given: lat and long
 * together, or an `address_string` naming a key site or a village/community/grid.
 */
export const NewRequestBody = Type.Object(
  {
    jurisdiction_id: JurisdictionId,
    service_code: Type.String({ pattern: '^[0-9]{4}$' }),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    long: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    address_string: Type.Optional(Type.String({ maxLength: 200 })),
    address_id: Type.Optional(
      Type.String({ maxLength: 100, description: 'not resolved here: send lat/long or address_string' }),
    ),
    description: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4000, description: 'the service name when absent' }),
    ),
    email: Type.Optional(Type.String({ maxLength: 100 })),
    first_name: Type.Optional(Type.String({ maxLength: 50 })),
    last_name: Type.Optional(Type.String({ maxLength: 50 })),
    phone: Type.Optional(Type.String({ maxLength: 20 })),
    device_id: Type.Optional(Type.String({ maxLength: 100 })),
    account_id: Type.Optional(Type.String({ maxLength: 100 })),
    media_url: Type.Optional(Type.String({ maxLength: 500 })),
    api_key: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const NewRequestResult = Type.Array(
  Type.Object({
    service_request_id: Type.String(),
    service_notice: Type.String(),
    account_id: Type.Union([Type.String(), Type.Null()]),
  }),
);

export const ServiceRequest = Type.Object({
  service_request_id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  status_notes: Type.Union([Type.String(), Type.Null()]),
  service_name: Type.Union([Type.String(), Type.Null()]),
  service_code: Type.String(),
  description: Type.String(),
  agency_responsible: Type.Union([Type.String(), Type.Null()]),
  requested_datetime: Type.String(),
  updated_datetime: Type.String(),
  expected_datetime: Type.Union([Type.String(), Type.Null()]),
  service_notice: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  address_id: Type.Union([Type.String(), Type.Null()]),
  zipcode: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Number(),
  long: Type.Number(),
  media_url: Type.Union([Type.String(), Type.Null()]),
});
export const ServiceRequests = Type.Array(ServiceRequest);

/** The query of the GET endpoints that take nothing but the jurisdiction (and a key). */
export const JurisdictionQuery = Type.Object(
  { jurisdiction_id: JurisdictionId, api_key: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);

/** GeoReport v2 service discovery (`discovery.json`/`.xml`). */
export const Discovery = Type.Object({
  changeset: Type.String(),
  contact: Type.String(),
  key_service: Type.String(),
  endpoints: Type.Array(
    Type.Object({
      specification: Type.String(),
      url: Type.String(),
      changeset: Type.String(),
      type: Type.String(),
      formats: Type.Array(Type.String()),
    }),
  ),
});

export const RequestsQuery = Type.Object(
  {
    jurisdiction_id: JurisdictionId,
    service_request_id: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,15}(,[0-9]{1,15})*$', maxLength: 2000 }),
    ),
    service_code: Type.Optional(Type.String({ pattern: '^[0-9]{4}(,[0-9]{4})*$', maxLength: 500 })),
    start_date: Type.Optional(Type.String({ format: 'date-time' })),
    end_date: Type.Optional(Type.String({ format: 'date-time', description: 'included' })),
    status: Type.Optional(Type.String({ pattern: '^(open|closed)(,(open|closed))?$' })),
    api_key: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
