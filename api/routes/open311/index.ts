import { createHash } from 'node:crypto';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { publicReporter } from '../../auth/scope.ts';
import type { IncidentRow } from '../../db/incident-repository.ts';
import { DomainError } from '../../lib/errors.ts';
import { geocodeAddress } from '../../lib/open311-geocode.ts';
import {
  checkJurisdiction,
  OPEN311_JURISDICTION_ID,
  OPEN311_JURISDICTION_NAME,
} from '../../lib/open311-jurisdiction.ts';
import { open311Xml, open311XmlDocument, open311XmlTree, type XmlValue } from '../../lib/open311-xml.ts';
import { publicBaseUrl } from '../../lib/public-url.ts';
import { formatInstant, nextMicrosecond, parseDateTime } from '../../lib/rfc3339.ts';
import {
  Discovery,
  JurisdictionQuery,
  NewRequestBody,
  NewRequestResult,
  Open311Errors,
  RequestsQuery,
  Service,
  ServiceDefinition,
  ServiceRequests,
} from '../../schemas/open311.ts';

const errors = {
  400: Open311Errors,
  401: Open311Errors,
  403: Open311Errors,
  404: Open311Errors,
  422: Open311Errors,
  429: Open311Errors,
};
const CLOSED = new Set(['closed', 'rejected', 'merged']);
/** When the endpoints below last changed in a way a client would notice (discovery's `changeset`). */
const CHANGESET = '2026-12-01T00:00:00Z';
const GEOREPORT_V2 = 'http://wiki.open311.org/GeoReport_v2';

/** `json` or `xml`: GeoReport v2 names the format as the path's extension. */
const Format = Type.Enum(['json', 'xml'], { description: 'response format (the extension)' });

/**
 * Answers in the asked format: JSON goes through the route's response schema, XML is the
 * same document as elements (api/lib/open311-xml.ts).
 */
function answer<T extends Record<string, XmlValue>>(
  reply: FastifyReply,
  format: 'json' | 'xml',
  xml: { root: string; item: string },
  rows: T[],
) {
  if (format === 'json') return rows;
  return sendXml(reply, open311Xml(xml.root, xml.item, rows));
}

/** Sends an XML document (the route's JSON response schema does not apply to it). */
function sendXml(reply: FastifyReply, xml: string) {
  return reply.type('application/xml; charset=utf-8').send(xml);
}

function toRequest(r: IncidentRow & { updated_at: Date }) {
  return {
    service_request_id: String(r.id),
    status: CLOSED.has(r.status) ? ('closed' as const) : ('open' as const),
    status_notes: r.status,
    service_name: r.category_name,
    service_code: r.category,
    description: r.description,
    agency_responsible: r.team_capability,
    requested_datetime: r.reported_at.toISOString(),
    updated_datetime: r.updated_at.toISOString(),
    expected_datetime: r.deadline_at?.toISOString() ?? null,
    service_notice: null,
    address: null,
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.lon,
    media_url: null,
  };
}

/**
 * Open311 GeoReport v2 (JSON and XML) under /open311/v2, for the one jurisdiction 441900 (the
 * city): services are the incident categories; posting a request is the same intake as every
 * other channel (public, rate-limited), placed by lat/long or by an address naming a key site or
 * a village/community/grid; reading requests needs an API key (api_key parameter) or a session.
 * Service discovery at /open311/discovery.{json,xml}.
 */
export const open311Routes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(fastifyFormbody);

  const discovery = {
    config: { access: 'public' as const, rateLimit: { max: 120, timeWindow: 60_000 } },
    schema: {
      summary: 'Open311: service discovery (the GeoReport v2 endpoint, its formats and how to get a key)',
      tags: ['open311'],
      params: Type.Object({ format: Format }),
      querystring: JurisdictionQuery,
      response: { 200: Discovery, ...errors },
    },
  };
  const discover = async (
    req: FastifyRequest<{ Params: { format: 'json' | 'xml' }; Querystring: { jurisdiction_id?: string } }>,
    reply: FastifyReply,
  ) => {
    checkJurisdiction(req.query.jurisdiction_id);
    const doc = {
      changeset: CHANGESET,
      contact: `${OPEN311_JURISDICTION_NAME} 城市运行指挥中心 (jurisdiction_id ${OPEN311_JURISDICTION_ID})`,
      key_service:
        'API keys for reading requests are issued by the platform administrators (POST /api/api-keys)',
      endpoints: [
        {
          specification: GEOREPORT_V2,
          url: `${publicBaseUrl(req)}/open311/v2`,
          changeset: CHANGESET,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    };
    if (req.params.format === 'xml') return sendXml(reply, open311XmlTree('discovery', doc));
    return doc;
  };
  app.get('/open311/discovery.:format', discovery, discover);
  app.get('/open311/v2/discovery.:format', discovery, discover);

  app.get(
    '/open311/v2/services.:format',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        summary: 'Open311: the service list (incident categories)',
        tags: ['open311'],
        params: Type.Object({ format: Format }),
        querystring: JurisdictionQuery,
        response: { 200: Type.Array(Service), ...errors },
      },
    },
    async (req, reply) => {
      checkJurisdiction(req.query.jurisdiction_id);
      const cats = await app.repos.categories.listCategories('incident');
      const groups = new Map(cats.filter((c) => !c.parent_code).map((c) => [c.code, c.name_zh]));
      const services = cats
        .filter((c) => c.parent_code)
        .map((c) => ({
          service_code: c.code,
          service_name: c.name_zh,
          description: `${c.name_en}; ${c.deadline_amount} ${c.deadline_unit?.replace('_', ' ')}`,
          metadata: false,
          type: 'realtime' as const,
          keywords: c.team_capability ?? '',
          group: groups.get(c.parent_code!) ?? '',
        }));
      return answer(reply, req.params.format, { root: 'services', item: 'service' }, services);
    },
  );

  app.get(
    '/open311/v2/services/:code.:format',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        summary: 'Open311: one service definition',
        tags: ['open311'],
        params: Type.Object({ code: Type.String({ maxLength: 20 }), format: Format }),
        querystring: JurisdictionQuery,
        response: { 200: ServiceDefinition, ...errors },
      },
    },
    async (req, reply) => {
      checkJurisdiction(req.query.jurisdiction_id);
      const cats = await app.repos.categories.listCategories('incident');
      if (!cats.some((c) => c.code === req.params.code && c.parent_code)) {
        throw app.httpErrors.notFound(`no service '${req.params.code}'`);
      }
      if (req.params.format === 'xml') {
        // no attributes: every service takes the standard fields only
        return sendXml(
          reply,
          open311XmlDocument('service_definition', { service_code: req.params.code, attributes: null }),
        );
      }
      return { service_code: req.params.code, attributes: [] };
    },
  );

  app.post(
    '/open311/v2/requests.:format',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        summary: 'Open311: report (same intake as every channel)',
        tags: ['open311'],
        params: Type.Object({ format: Format }),
        body: NewRequestBody,
        response: { 201: NewRequestResult, 200: NewRequestResult, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      checkJurisdiction(b.jurisdiction_id);
      const reporter = app.reposAs(publicReporter('open311'));
      const place = await locate(b);
      const cats = await app.repos.categories.listCategories('incident');
      const service = cats.find((c) => c.code === b.service_code && c.parent_code);
      // GeoReport v2 has no idempotency key: an identical resubmission (a client's retry)
      // maps to the same key and so to the same incident.
      const fingerprint = [
        b.service_code,
        b.lat,
        b.long,
        b.address_string,
        b.description,
        b.email,
        b.phone,
        b.device_id,
        b.account_id,
      ].join('|');
      const clientKey = `open311-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 40)}`;
      const name = [b.last_name, b.first_name].filter(Boolean).join('') || undefined;
      // the description is optional in GeoReport v2; the intake keeps the service's name then
      const description = b.description ?? service?.name_zh ?? b.service_code;
      const r = await reporter.incidents.intake({
        clientKey,
        category: b.service_code,
        lon: place.lon,
        lat: place.lat,
        siteId: place.siteId,
        description: b.address_string ? `${description}（${b.address_string}）` : description,
        channel: 'open311',
        reporter: name || b.phone ? { name, phone: b.phone?.replace(/[^0-9+ -]/g, '') } : undefined,
      });
      const notice = [
        `受理时限 ${r.incident.deadline_at?.toISOString() ?? ''}`,
        place.label ? `位置按地址定位：${place.label}` : null,
      ];
      const result = [
        {
          service_request_id: String(r.incident.id),
          service_notice: notice.filter(Boolean).join('；'),
          account_id: b.account_id ?? null,
        },
      ];
      reply.code(r.created ? 201 : 200);
      return answer(reply, req.params.format, { root: 'service_requests', item: 'request' }, result);
    },
  );

  /**
   * The position of a new request: lat/long when given (both), else where the address_string
   * points (a key site named exactly, or the village/community/grid it names); 400 otherwise.
   */
  async function locate(b: {
    lat?: number;
    long?: number;
    address_string?: string;
    address_id?: string;
  }): Promise<{ lon: number; lat: number; siteId?: number; label?: string }> {
    if (b.lat !== undefined && b.long !== undefined) return { lon: b.long, lat: b.lat };
    if (b.lat !== undefined || b.long !== undefined) {
      throw new DomainError(400, 'position_incomplete', 'body: lat and long go together; send both', {});
    }
    const needed =
      'body: a position is needed: lat and long, or an address_string naming a key site (its name or address) or a village, community or grid (e.g. 常平镇常平社区)';
    const address = b.address_string?.trim();
    if (!address) {
      throw new DomainError(
        400,
        'position_needed',
        b.address_id ? `${needed}; address_id is not resolved here` : needed,
        {},
      );
    }
    const repos = app.reposAs(publicReporter('open311'));
    const [hits, areas] = await Promise.all([
      repos.search.search(address, 20),
      repos.areas.listAreas({ geometry: false }),
    ]);
    const found = geocodeAddress(
      address,
      hits
        .filter((h) => h.kind === 'site' && h.lon !== null && h.lat !== null)
        .map((h) => ({ id: Number(h.id), name: h.label, address: h.detail, lon: h.lon!, lat: h.lat! })),
      areas.map((a) => ({ code: a.code, name: a.name, level: a.level, lon: a.label_lon, lat: a.label_lat })),
    );
    if (found.kind === 'site')
      return { lon: found.lon, lat: found.lat, siteId: found.siteId, label: found.label };
    if (found.kind === 'area') return { lon: found.lon, lat: found.lat, label: found.label };
    if (found.kind === 'ambiguous') {
      throw new DomainError(
        400,
        'address_ambiguous',
        `body/address_string: '${address}' fits several places (${found.labels.slice(0, 5).join('、')}); name the town and village, or send lat and long`,
        { address },
      );
    }
    throw new DomainError(
      400,
      'position_needed',
      found.town
        ? `${needed}; '${address}' names only the town ${found.town}, too coarse to route`
        : `${needed}; '${address}' names no key site or area of the city`,
      { address },
    );
  }

  app.get(
    '/open311/v2/requests.:format',
    {
      config: { access: 'read' },
      schema: {
        summary:
          'Open311: requests (filters: service_request_id, service_code, start_date, end_date, status)',
        tags: ['open311'],
        params: Type.Object({ format: Format }),
        querystring: RequestsQuery,
        response: { 200: ServiceRequests, ...errors },
      },
    },
    async (req, reply) => {
      const q = req.query;
      checkJurisdiction(q.jurisdiction_id);
      // end_date is the latest time to include: the repository's end is exclusive
      const end = q.end_date === undefined ? null : parseDateTime(q.end_date);
      const rows = await app.reposFor(req).incidents.open311Requests({
        ids: q.service_request_id?.split(',').map(Number),
        serviceCodes: q.service_code?.split(','),
        from: q.start_date,
        to: end ? formatInstant(nextMicrosecond(end)) : q.end_date,
        statuses: q.status?.split(','),
        limit: 1000,
      });
      return answer(
        reply,
        req.params.format,
        { root: 'service_requests', item: 'request' },
        rows.map(toRequest),
      );
    },
  );

  app.get(
    '/open311/v2/requests/:id.:format',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Open311: one request',
        tags: ['open311'],
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }), format: Format }),
        querystring: JurisdictionQuery,
        response: { 200: ServiceRequests, ...errors },
      },
    },
    async (req, reply) => {
      checkJurisdiction(req.query.jurisdiction_id);
      const rows = await app
        .reposFor(req)
        .incidents.open311Requests({ ids: [Number(req.params.id)], limit: 1 });
      if (rows.length === 0) throw app.httpErrors.notFound(`no request ${req.params.id}`);
      return answer(
        reply,
        req.params.format,
        { root: 'service_requests', item: 'request' },
        rows.map(toRequest),
      );
    },
  );
};
