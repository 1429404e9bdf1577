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

export const NewRequestBody = Type.Object(
  {
    service_code: Type.String({ pattern: '^[0-9]{4}$' }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    long: Type.Number({ minimum: -180, maximum: 180 }),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    address_string: Type.Optional(Type.String({ maxLength: 200 })),
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
  address: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Number(),
  long: Type.Number(),
});
export const ServiceRequests = Type.Array(ServiceRequest);

export const RequestsQuery = Type.Object(
  {
    service_request_id: Type.Optional(Type.String({ pattern: '^[0-9]+(,[0-9]+)*$', maxLength: 2000 })),
    service_code: Type.Optional(Type.String({ pattern: '^[0-9]{4}(,[0-9]{4})*$', maxLength: 500 })),
    start_date: Type.Optional(Type.String({ format: 'date-time' })),
    end_date: Type.Optional(Type.String({ format: 'date-time' })),
    status: Type.Optional(Type.String({ pattern: '^(open|closed)(,(open|closed))?$' })),
    api_key: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
