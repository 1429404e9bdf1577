import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { LAYERS, type FeatureRow } from '../../db/feature-repository.ts';
import { ERRORS_4XX } from '../../schemas/common.ts';
import { LAYER_IDS, type LayerId } from '../../schemas/layers.ts';

const CORE = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core';
const GEOJSON = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const GEO_JSON = 'application/geo+json';

const Format = Type.Optional(Type.Enum(['json'], { description: 'only JSON is offered' }));
const AnyObject = Type.Object({}, { additionalProperties: true });

/** The layers with a time: `datetime` filters them by this. */
const TIMED: Partial<Record<LayerId, string>> = { incidents: 'reported_at' };

/** The absolute base URL of this API as the client reached it (links must be absolute). */
function base(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** Parses an OGC `datetime` (an instant, or `start/end` with `..` open ends) into from/to (ISO 8601). */
function parseDatetime(value: string): { from?: string; to?: string } | null {
  const valid = (s: string) => !Number.isNaN(Date.parse(s));
  const parts = value.split('/');
  if (parts.length === 1) {
    if (!valid(value)) return null;
    // an instant: the features of that moment (to the millisecond)
    return { from: value, to: new Date(Date.parse(value) + 1).toISOString() };
  }
  if (parts.length !== 2) return null;
  const [a, b] = parts as [string, string];
  const open = (s: string) => s === '..' || s === '';
  if ((!open(a) && !valid(a)) || (!open(b) && !valid(b)) || (open(a) && open(b))) return null;
  // the end of an interval is included
  return {
    from: open(a) ? undefined : a,
    to: open(b) ? undefined : new Date(Date.parse(b) + 1).toISOString(),
  };
}

function toFeature(f: FeatureRow) {
  return { type: 'Feature' as const, id: f.id, geometry: f.geometry, properties: f.properties };
}

/**
 * OGC API – Features, Part 1: Core (GeoJSON), read-only, at /ogc: every map layer the
 * user may see as a collection, with bbox, limit/offset paging (next links) and, for
 * incidents, datetime. Clients such as QGIS and GDAL's OAPIF driver read it; they send
 * an API key (X-API-Key or Authorization: Bearer).
 */
export const ogcRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const collection = (req: FastifyRequest, id: LayerId, extent: [number, number, number, number] | null) => {
    const def = LAYERS[id];
    const b = base(req);
    return {
      id,
      title: def.nameZh,
      description: def.nameEn,
      itemType: 'feature',
      crs: [CRS84],
      extent: {
        spatial: { bbox: extent ? [extent] : [], crs: CRS84 },
        ...(TIMED[id] ? { temporal: { interval: [[null, null]] } } : {}),
      },
      links: [
        { href: `${b}/ogc/collections/${id}`, rel: 'self', type: 'application/json', title: def.nameEn },
        { href: `${b}/ogc/collections/${id}/items`, rel: 'items', type: GEO_JSON, title: def.nameEn },
      ],
    };
  };

  app.get(
    '/ogc',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: landing page',
        tags: ['ogc'],
        querystring: Type.Object({ f: Format }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req) => {
      const b = base(req);
      return {
        title: 'riskmap 风险一张图',
        description: 'The risk map layers as OGC API – Features (read-only, GeoJSON, WGS84)',
        links: [
          { href: `${b}/ogc`, rel: 'self', type: 'application/json', title: 'this document' },
          {
            href: `${b}/api/docs/json`,
            rel: 'service-desc',
            type: 'application/vnd.oai.openapi+json;version=3.0',
          },
          { href: `${b}/ogc/conformance`, rel: 'conformance', type: 'application/json' },
          { href: `${b}/ogc/collections`, rel: 'data', type: 'application/json' },
        ],
      };
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
    async () => ({ conformsTo: [CORE, GEOJSON] }),
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
      const repos = app.reposFor(req).features;
      const collections = [];
      for (const id of LAYER_IDS) collections.push(collection(req, id, await repos.layerExtent(id)));
      return {
        links: [{ href: `${base(req)}/ogc/collections`, rel: 'self', type: 'application/json' }],
        collections,
      };
    },
  );

  const Params = Type.Object({ collectionId: Type.Enum(LAYER_IDS) });

  app.get(
    '/ogc/collections/:collectionId',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: one collection',
        tags: ['ogc'],
        params: Params,
        querystring: Type.Object({ f: Format }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req) =>
      collection(
        req,
        req.params.collectionId,
        await app.reposFor(req).features.layerExtent(req.params.collectionId),
      ),
  );

  app.get(
    '/ogc/collections/:collectionId/items',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: features of a collection (bbox, datetime, limit, offset)',
        tags: ['ogc'],
        params: Params,
        querystring: Type.Object({
          f: Format,
          bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat (CRS84)' })),
          datetime: Type.Optional(Type.String({ description: 'an instant or start/end (.. for open)' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req, reply) => {
      const id = req.params.collectionId;
      const q = req.query;
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      let bbox: [number, number, number, number] | undefined;
      if (q.bbox !== undefined) {
        const n = q.bbox.split(',').map(Number);
        if (n.length !== 4 || n.some((x) => !Number.isFinite(x)) || n[0]! > n[2]! || n[1]! > n[3]!)
          throw app.httpErrors.badRequest('querystring/bbox: four numbers minLon,minLat,maxLon,maxLat');
        bbox = n as [number, number, number, number];
      }
      let time: { from?: string; to?: string } = {};
      if (q.datetime !== undefined) {
        const parsed = parseDatetime(q.datetime);
        if (!parsed) throw app.httpErrors.badRequest('querystring/datetime: an RFC 3339 instant or interval');
        if (TIMED[id]) time = parsed;
      }
      const page = await app.reposFor(req).features.pageFeatures(id, { bbox, ...time }, limit, offset);
      const b = base(req);
      const url = (o: number) => {
        const p = new URLSearchParams();
        if (q.bbox) p.set('bbox', q.bbox);
        if (q.datetime) p.set('datetime', q.datetime);
        p.set('limit', String(limit));
        p.set('offset', String(o));
        return `${b}/ogc/collections/${id}/items?${p.toString()}`;
      };
      const links = [{ href: url(offset), rel: 'self', type: GEO_JSON }];
      if (offset + page.features.length < page.numberMatched)
        links.push({ href: url(offset + limit), rel: 'next', type: GEO_JSON });
      if (offset > 0) links.push({ href: url(Math.max(0, offset - limit)), rel: 'prev', type: GEO_JSON });
      links.push({ href: `${b}/ogc/collections/${id}`, rel: 'collection', type: 'application/json' });
      reply.type(GEO_JSON);
      return {
        type: 'FeatureCollection',
        timeStamp: new Date().toISOString(),
        numberMatched: page.numberMatched,
        numberReturned: page.features.length,
        features: page.features.map(toFeature),
        links,
      };
    },
  );

  app.get(
    '/ogc/collections/:collectionId/items/:featureId',
    {
      config: { access: 'read' },
      schema: {
        summary: 'OGC API – Features: one feature',
        tags: ['ogc'],
        params: Type.Object({ collectionId: Type.Enum(LAYER_IDS), featureId: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ f: Format }),
        response: { 200: AnyObject, ...ERRORS_4XX },
      },
    },
    async (req, reply) => {
      const { collectionId: id, featureId } = req.params;
      const f = await app.reposFor(req).features.getFeature(id, featureId);
      if (!f) throw app.httpErrors.notFound(`no feature ${featureId} in ${id}`);
      reply.type(GEO_JSON);
      return {
        ...toFeature(f),
        links: [
          { href: `${base(req)}/ogc/collections/${id}/items/${featureId}`, rel: 'self', type: GEO_JSON },
          { href: `${base(req)}/ogc/collections/${id}`, rel: 'collection', type: 'application/json' },
        ],
      };
    },
  );
};
