import { CRS84, EPSG_4326, LIMIT_DEFAULT, LIMIT_MAX, SUPPORTED_CRS } from './params.ts';

/**
 * The OGC API's own service description (`/ogc/api`, `rel=service-desc`), an OpenAPI 3.0
 * document relative to `…/ogc`. Each collection has its own paths whose parameters are `$ref`s
 * to `#/components/parameters/…`: that is where GDAL (3.8 and later) looks for the `limit`
 * parameter's `default` and `maximum` to choose its page size, and where older GDAL and QGIS
 * look for the parameters a path takes.
 */

export interface OgcCollectionInfo {
  id: string;
  title: string;
  description: string;
  /** The collection has a time (`datetime` filters it). */
  timed: boolean;
}

const JSON_TYPE = 'application/json';
const GEO_JSON = 'application/geo+json';
const OPENAPI_JSON = 'application/vnd.oai.openapi+json;version=3.0';

const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function json(description: string, schema: object, type = JSON_TYPE) {
  return { description, content: { [type]: { schema } } };
}

const ERRORS = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '404': { $ref: '#/components/responses/NotFound' },
};

const LINK = {
  type: 'object',
  required: ['href', 'rel'],
  properties: {
    href: { type: 'string' },
    rel: { type: 'string' },
    type: { type: 'string' },
    title: { type: 'string' },
  },
};

const LINKS = { type: 'array', items: schemaRef('link') };

const GEOMETRY = {
  type: 'object',
  required: ['type'],
  properties: {
    type: {
      type: 'string',
      enum: ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'],
    },
    coordinates: { type: 'array', items: {} },
  },
};

/** The OpenAPI document of the OGC API at `base` (the public base URL, without `/ogc`). */
export function ogcOpenApi(base: string, collections: readonly OgcCollectionInfo[]): object {
  const paths: Record<string, object> = {
    '/': {
      get: {
        operationId: 'getLandingPage',
        summary: 'Landing page',
        tags: ['Capabilities'],
        parameters: [ref('f')],
        responses: {
          '200': json('links to the API, conformance and collections', schemaRef('landingPage')),
          ...ERRORS,
        },
      },
    },
    '/conformance': {
      get: {
        operationId: 'getConformanceDeclaration',
        summary: 'Conformance classes implemented by this server',
        tags: ['Capabilities'],
        parameters: [ref('f')],
        responses: { '200': json('the conformance classes', schemaRef('confClasses')), ...ERRORS },
      },
    },
    '/api': {
      get: {
        operationId: 'getServiceDescription',
        summary: 'This document',
        tags: ['Capabilities'],
        parameters: [ref('f')],
        responses: {
          '200': {
            description: 'the OpenAPI document',
            content: { [OPENAPI_JSON]: { schema: { type: 'object' } } },
          },
          ...ERRORS,
        },
      },
    },
    '/collections': {
      get: {
        operationId: 'getCollections',
        summary: 'The collections (map layers) the caller may read',
        tags: ['Capabilities'],
        parameters: [ref('f')],
        responses: { '200': json('the collections', schemaRef('collections')), ...ERRORS },
      },
    },
  };
  for (const c of collections) {
    const tag = c.id;
    paths[`/collections/${c.id}`] = {
      get: {
        operationId: `describe_${c.id}`,
        summary: `${c.title} (${c.description}): the collection`,
        tags: [tag],
        parameters: [ref('f')],
        responses: { '200': json('the collection', schemaRef('collection')), ...ERRORS },
      },
    };
    paths[`/collections/${c.id}/items`] = {
      get: {
        operationId: `getFeatures_${c.id}`,
        summary: `${c.title} (${c.description}): features${c.timed ? ' (datetime: report time)' : ''}`,
        tags: [tag],
        parameters: [
          ref('limit'),
          ref('offset'),
          ref('bbox'),
          ref('bbox-crs'),
          ref('datetime'),
          ref('crs'),
          ref('f'),
        ],
        responses: {
          '200': json(
            'a page of features, with next/prev links',
            schemaRef('featureCollectionGeoJSON'),
            GEO_JSON,
          ),
          ...ERRORS,
        },
      },
    };
    paths[`/collections/${c.id}/items/{featureId}`] = {
      get: {
        operationId: `getFeature_${c.id}`,
        summary: `${c.title} (${c.description}): one feature`,
        tags: [tag],
        parameters: [ref('featureId'), ref('crs'), ref('f')],
        responses: { '200': json('the feature', schemaRef('featureGeoJSON'), GEO_JSON), ...ERRORS },
      },
    };
  }

  return {
    openapi: '3.0.3',
    info: {
      title: 'riskmap 风险一张图 — OGC API – Features',
      description:
        'The risk map layers as OGC API – Features (Part 1 Core, GeoJSON; Part 2 CRS by reference: CRS84 and EPSG:4326), read-only, limited to what the caller may see.',
      version: '1.0.0',
      license: { name: 'Proprietary: the platform operator’s data' },
    },
    servers: [{ url: `${base}/ogc`, description: 'this server' }],
    security: [{ apiKey: [] }, { bearer: [] }, { session: [] }],
    tags: [
      { name: 'Capabilities', description: 'landing page, conformance, collections' },
      ...collections.map((c) => ({ name: c.id, description: `${c.title} · ${c.description}` })),
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'an API key with `read`' },
        bearer: { type: 'http', scheme: 'bearer', description: 'the same API key as a bearer token' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'riskmap_session',
          description: 'a signed-in session',
        },
      },
      parameters: {
        f: {
          name: 'f',
          in: 'query',
          required: false,
          description: 'the format; only JSON is offered',
          schema: { type: 'string', enum: ['json'] },
        },
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: `features per page; a larger value is read as ${LIMIT_MAX}`,
          schema: { type: 'integer', minimum: 1, maximum: LIMIT_MAX, default: LIMIT_DEFAULT },
        },
        offset: {
          name: 'offset',
          in: 'query',
          required: false,
          description: 'features to skip (the next/prev links carry it)',
          schema: { type: 'integer', minimum: 0, default: 0 },
        },
        bbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description:
            'minLon,minLat,maxLon,maxLat (or with heights minLon,minLat,minH,maxLon,maxLat,maxH), in bbox-crs axis order; west > east crosses the antimeridian',
          schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
        },
        'bbox-crs': {
          name: 'bbox-crs',
          in: 'query',
          required: false,
          description: `the CRS of bbox (${CRS84} by default; ${EPSG_4326} takes latitude first)`,
          schema: { type: 'string', format: 'uri', enum: [...SUPPORTED_CRS], default: CRS84 },
        },
        crs: {
          name: 'crs',
          in: 'query',
          required: false,
          description: `the CRS of the answer's coordinates (${CRS84} by default; ${EPSG_4326} gives latitude first)`,
          schema: { type: 'string', format: 'uri', enum: [...SUPPORTED_CRS], default: CRS84 },
        },
        datetime: {
          name: 'datetime',
          in: 'query',
          required: false,
          description:
            'a date (the whole day, China time UTC+8), an RFC 3339 date-time, or an interval start/end with .. for an open end (ends included); filters collections with a time, ignored by the others',
          schema: { type: 'string' },
        },
        featureId: {
          name: 'featureId',
          in: 'path',
          required: true,
          description: 'the feature id',
          schema: { type: 'integer', minimum: 1 },
        },
      },
      responses: {
        BadRequest: json('a parameter is wrong or unknown (the message names it)', schemaRef('exception')),
        Unauthorized: json('no session or API key, or an unknown key', schemaRef('exception')),
        NotFound: json('no such collection or feature', schemaRef('exception')),
      },
      schemas: {
        link: LINK,
        exception: {
          type: 'object',
          required: ['statusCode', 'message'],
          properties: {
            statusCode: { type: 'integer' },
            error: { type: 'string' },
            message: { type: 'string' },
            code: { type: 'string' },
          },
        },
        landingPage: {
          type: 'object',
          required: ['links'],
          properties: { title: { type: 'string' }, description: { type: 'string' }, links: LINKS },
        },
        confClasses: {
          type: 'object',
          required: ['conformsTo'],
          properties: { conformsTo: { type: 'array', items: { type: 'string' } } },
        },
        collection: {
          type: 'object',
          required: ['id', 'links'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            description: { type: 'string' },
            itemType: { type: 'string' },
            crs: { type: 'array', items: { type: 'string' } },
            storageCrs: { type: 'string' },
            extent: { type: 'object' },
            links: LINKS,
          },
        },
        collections: {
          type: 'object',
          required: ['links', 'collections'],
          properties: { links: LINKS, collections: { type: 'array', items: schemaRef('collection') } },
        },
        featureGeoJSON: {
          type: 'object',
          required: ['type', 'geometry', 'properties'],
          properties: {
            type: { type: 'string', enum: ['Feature'] },
            id: { type: 'integer' },
            geometry: GEOMETRY,
            properties: { type: 'object', nullable: true },
            links: LINKS,
          },
        },
        featureCollectionGeoJSON: {
          type: 'object',
          required: ['type', 'features'],
          properties: {
            type: { type: 'string', enum: ['FeatureCollection'] },
            features: { type: 'array', items: schemaRef('featureGeoJSON') },
            links: LINKS,
            timeStamp: { type: 'string', format: 'date-time' },
            numberMatched: { type: 'integer', minimum: 0 },
            numberReturned: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
  };
}
