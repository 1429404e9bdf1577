import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { LAYERS, type FeatureFilter, type FeatureRow } from '../../db/feature-repository.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { publicBaseUrl } from '../../lib/public-url.ts';
import { ERRORS_4XX, MAX_OFFSET } from '../../schemas/common.ts';
import { LAYER_IDS, type LayerId } from '../../schemas/layers.ts';
import { ogcOpenApi } from './openapi.ts';
import {
  CRS84,
  geometryInCrs,
  LIMIT_DEFAULT,
  LIMIT_MAX,
  parseBbox,
  parseCrs,
  parseDatetime,
  parseFeatureId,
  refuseUnknownParameters,
  SUPPORTED_CRS,
  type Envelope,
  type SupportedCrs,
  type TimeRange,
} from './params.ts';

const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
];
const GEO_JSON = 'application/geo+json';
const OPENAPI_JSON = 'application/vnd.oai.openapi+json;version=3.0';
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

const Format = Type.Optional(Type.Enum(['json'], { description: 'only JSON is offered' }));
const CrsParam = Type.Optional(
  Type.String({ maxLength: 100, description: `output CRS: ${SUPPORTED_CRS.join(' or ')}` }),
);
const AnyObject = Type.Object({}, { additionalProperties: true });
/** Ids in paths are read by the handler, so that an unknown one answers 404 (not a schema 400). */
const CollectionParams = Type.Object({
  collectionId: Type.String({ maxLength: 100, description: LAYER_IDS.join(', ') }),
});

/** The layers with a time: `datetime` filters them by this (report time). */
const TIMED: ReadonlySet<LayerId> = new Set(['incidents']);

function collectionId(text: string): LayerId {
  if (!(LAYER_IDS as readonly string[]).includes(text)) throw new NotFoundError('collection', text);
  return text as LayerId;
}

function toFeature(f: FeatureRow, crs: SupportedCrs) {
  return {
    type: 'Feature' as const,
    id: f.id,
    geometry: geometryInCrs(f.geometry, crs),
    properties: f.properties,
  };
}

/** Part 2: every answer with coordinates says their CRS. */
function contentCrs(reply: FastifyReply, crs: SupportedCrs) {
  reply.header('content-crs', `<${crs}>`);
}

/**
 * OGC API – Features, Part 1: Core (GeoJSON) and Part 2 (CRS84, EPSG:4326), read-only, at /ogc:
 * every map layer the caller may see as a collection, with bbox (also across the antimeridian),
 * limit/offset paging (next links), datetime for incidents, and the service description at
 * /ogc/api. Clients such as QGIS, GDAL's OAPIF driver and owslib read it with an API key
 * (X-API-Key or Authorization: Bearer).
 */
export const ogcRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const collection = (
    req: FastifyRequest,
    id: LayerId,
    extent: Envelope | null,
    interval: [string | null, string | null] | null,
  ) => {
    const def = LAYERS[id];
    const b = publicBaseUrl(req);
    return {
      id,
      title: def.nameZh,
      description: def.nameEn,
      itemType: 'feature',
      crs: [...SUPPORTED_CRS],
      storageCrs: CRS84,
      extent: {
        spatial: { bbox: extent ? [extent] : [], crs: CRS84 },
        ...(interval ? { temporal: { interval: [interval], trs: GREGORIAN } } : {}),
      },
      links: [
        { href: `${b}/ogc/collections/${id}`, rel: 'self', type: 'application/json', title: def.nameEn },
        { href: `${b}/ogc/collections/${id}/items`, rel: 'items', type: GEO_JSON, title: def.nameEn },
      ],
    };
  };
  const describe = async (req: FastifyRequest, id: LayerId) =>
    collection(
      req,
      id,
      await app.reposFor(req).features.layerExtent(id),
      // from the first report on; the end stays open: reports keep arriving
      TIMED.has(id)
        ? [(await app.reposFor(req).features.incidentsSince())?.toISOString() ?? null, null]
        : null,
    );

  const landing = async (req: FastifyRequest) => {
    refuseUnknownParameters(req.query as object, ['f']);
    const b = publicBaseUrl(req);
    return {
      title: 'riskmap 风险一张图',
      description: 'The risk map layers as OGC API – Features (read-only, GeoJSON, CRS84 or EPSG:4326)',
      links: [
        { href: `${b}/ogc`, rel: 'self', type: 'application/json', title: 'this document' },
        { href: `${b}/ogc/api`, rel: 'service-desc', type: OPENAPI_JSON, title: 'the API definition' },
        { href: `${b}/api/docs`, rel: 'service-doc', type: 'text/html', title: 'the API documentation' },
        { href: `${b}/ogc/conformance`, rel: 'conformance', type: 'application/json' },
        { href: `${b}/ogc/collections`, rel: 'data', type: 'application/json' },
      ],
    };
  };
  const landingSchema = {
    summary: 'OGC API – Features: landing page',
    tags: ['ogc'],
    querystring: Type.Object({ f: Format }),
    response: { 200: AnyObject, ...ERRORS_4XX },
  };
  app.get('/ogc', { config: { access: 'read' }, schema: landingSchema }, landing);
  // owslib and others ask for the landing page with a trailing slash
  app.get('/ogc/', { config: { access: 'read' }, schema: { ...landingSchema, hide: true } }, landing);

  app.get(
    '/ogc/api',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: the service description (OpenAPI 3.0)',
        tags: ['ogc'],
        querystring: Type.Object({ f: Format }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req, reply) => {
      refuseUnknownParameters(req.query, ['f']);
      reply.type(OPENAPI_JSON);
      return ogcOpenApi(
        publicBaseUrl(req),
        LAYER_IDS.map((id) => ({
          id,
          title: LAYERS[id].nameZh,
          description: LAYERS[id].nameEn,
          timed: TIMED.has(id),
        })),
      );
    },
  );

  app.get(
    '/ogc/conformance',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: conformance classes',
        tags: ['ogc'],
        querystring: Type.Object({ f: Format }),
        response: { 200: Type.Object({ conformsTo: Type.Array(Type.String()) }), ...ERRORS_4XX },
      },
    },
    async (req) => {
      refuseUnknownParameters(req.query, ['f']);
      return { conformsTo: CONFORMANCE };
    },
  );

  app.get(
    '/ogc/collections',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: the collections (map layers)',
        tags: ['ogc'],
        querystring: Type.Object({ f: Format }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req) => {
      refuseUnknownParameters(req.query, ['f']);
      const collections = [];
      for (const id of LAYER_IDS) collections.push(await describe(req, id));
      return {
        links: [{ href: `${publicBaseUrl(req)}/ogc/collections`, rel: 'self', type: 'application/json' }],
        collections,
      };
    },
  );

  app.get(
    '/ogc/collections/:collectionId',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: one collection',
        tags: ['ogc'],
        params: CollectionParams,
        querystring: Type.Object({ f: Format }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req) => {
      const id = collectionId(req.params.collectionId);
      refuseUnknownParameters(req.query, ['f']);
      return describe(req, id);
    },
  );

  const ITEMS_PARAMETERS = ['f', 'bbox', 'bbox-crs', 'crs', 'datetime', 'limit', 'offset'];
  app.get(
    '/ogc/collections/:collectionId/items',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: features of a collection (bbox, datetime, limit, offset, crs)',
        tags: ['ogc'],
        params: CollectionParams,
        querystring: Type.Object({
          f: Format,
          bbox: Type.Optional(
            Type.String({
              maxLength: 300,
              description: 'minLon,minLat,maxLon,maxLat (or 6 numbers with heights), in bbox-crs axis order',
            }),
          ),
          'bbox-crs': CrsParam,
          crs: CrsParam,
          datetime: Type.Optional(
            Type.String({
              maxLength: 100,
              description: 'a date (whole day, China time), a date-time, or start/end (.. for open)',
            }),
          ),
          limit: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: Number.MAX_SAFE_INTEGER,
              description: `features per page (default ${LIMIT_DEFAULT}); above ${LIMIT_MAX} reads as ${LIMIT_MAX}`,
            }),
          ),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
        }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req, reply) => {
      const id = collectionId(req.params.collectionId);
      const q = req.query;
      refuseUnknownParameters(q, ITEMS_PARAMETERS);
      const crs = parseCrs('crs', q.crs);
      const boxes = q.bbox === undefined ? [] : parseBbox(q.bbox, parseCrs('bbox-crs', q['bbox-crs']));
      if (q.bbox === undefined && q['bbox-crs'] !== undefined) parseCrs('bbox-crs', q['bbox-crs']);
      // a datetime is checked on every collection; it filters those that have a time
      let time: TimeRange = {};
      if (q.datetime !== undefined) {
        const range = parseDatetime(q.datetime);
        if (TIMED.has(id)) time = range;
      }
      const limit = Math.min(q.limit ?? LIMIT_DEFAULT, LIMIT_MAX);
      const offset = q.offset ?? 0;
      const page = await pageAcross(req, id, time, boxes, limit, offset);

      const b = publicBaseUrl(req);
      const url = (o: number) => {
        const p = new URLSearchParams();
        for (const name of ['bbox', 'bbox-crs', 'datetime', 'crs'] as const) {
          const v = q[name];
          if (v !== undefined) p.set(name, v);
        }
        p.set('limit', String(limit));
        p.set('offset', String(o));
        return `${b}/ogc/collections/${id}/items?${p.toString()}`;
      };
      const links = [{ href: url(offset), rel: 'self', type: GEO_JSON }];
      if (offset + page.features.length < page.numberMatched)
        links.push({ href: url(offset + page.features.length), rel: 'next', type: GEO_JSON });
      if (offset > 0) links.push({ href: url(Math.max(0, offset - limit)), rel: 'prev', type: GEO_JSON });
      links.push({ href: `${b}/ogc/collections/${id}`, rel: 'collection', type: 'application/json' });
      reply.type(GEO_JSON);
      contentCrs(reply, crs);
      return {
        type: 'FeatureCollection',
        timeStamp: new Date().toISOString(),
        numberMatched: page.numberMatched,
        numberReturned: page.features.length,
        features: page.features.map((f) => toFeature(f, crs)),
        links,
      };
    },
  );

  /**
   * One page over one box, or over the two halves of a box across the antimeridian: the
   * features of the western half, then those of the eastern half (each in id order).
   */
  async function pageAcross(
    req: FastifyRequest,
    id: LayerId,
    time: TimeRange,
    boxes: Envelope[],
    limit: number,
    offset: number,
  ): Promise<{ features: FeatureRow[]; numberMatched: number }> {
    const repo = app.reposFor(req).features;
    const filter = (bbox?: Envelope): FeatureFilter => ({ ...time, ...(bbox ? { bbox } : {}) });
    if (boxes.length < 2) return repo.pageFeatures(id, filter(boxes[0]), limit, offset);
    const west = await repo.pageFeatures(id, filter(boxes[0]), limit, offset);
    const east = await repo.pageFeatures(
      id,
      filter(boxes[1]),
      limit - west.features.length,
      Math.max(0, offset - west.numberMatched),
    );
    return {
      features: [...west.features, ...east.features],
      numberMatched: west.numberMatched + east.numberMatched,
    };
  }

  app.get(
    '/ogc/collections/:collectionId/items/:featureId',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: one feature',
        tags: ['ogc'],
        params: Type.Object({
          collectionId: Type.String({ maxLength: 100, description: LAYER_IDS.join(', ') }),
          featureId: Type.String({ maxLength: 100, description: 'the feature id (a positive integer)' }),
        }),
        querystring: Type.Object({ f: Format, crs: CrsParam }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req, reply) => {
      const id = collectionId(req.params.collectionId);
      const featureId = parseFeatureId(req.params.featureId);
      // not a feature id at all answers like a missing feature
      if (featureId === null) throw new NotFoundError('feature', req.params.featureId);
      refuseUnknownParameters(req.query, ['f', 'crs']);
      const crs = parseCrs('crs', req.query.crs);
      const f = await app.reposFor(req).features.getFeature(id, featureId);
      if (!f) throw new NotFoundError('feature', featureId);
      reply.type(GEO_JSON);
      contentCrs(reply, crs);
      const b = publicBaseUrl(req);
      return {
        ...toFeature(f, crs),
        links: [
          { href: `${b}/ogc/collections/${id}/items/${featureId}`, rel: 'self', type: GEO_JSON },
          { href: `${b}/ogc/collections/${id}`, rel: 'collection', type: 'application/json' },
        ],
      };
    },
  );
};
