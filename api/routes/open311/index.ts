import { createHash } from 'node:crypto';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';
import { publicReporter } from '../../auth/scope.ts';
import { open311Xml, open311XmlDocument, type XmlValue } from '../../lib/open311-xml.ts';
import type { IncidentRow } from '../../db/incident-repository.ts';
import {
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
    address: null,
    lat: r.lat,
    long: r.lon,
  };
}

/**
 * Open311 GeoReport v2 (JSON and XML) under /open311/v2: services are the incident categories;
 * posting a request is the same intake as every other channel (public, rate-limited);
 * reading requests needs an API key (api_key parameter) or a session.
 */
export const open311Routes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(fastifyFormbody);

  app.get(
    '/open311/v2/services.:format',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        summary: 'Open311: the service list (incident categories)',
        tags: ['open311'],
        params: Type.Object({ format: Format }),
        response: { 200: Type.Array(Service) },
      },
    },
    async (req, reply) => {
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
        response: { 200: ServiceDefinition, ...errors },
      },
    },
    async (req, reply) => {
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
      // GeoReport v2 has no idempotency key: an identical resubmission (a client's retry)
      // maps to the same key and so to the same incident.
      const fingerprint = [
        b.service_code,
        b.lat,
        b.long,
        b.description,
        b.email,
        b.phone,
        b.device_id,
        b.account_id,
      ].join('|');
      const clientKey = `open311-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 40)}`;
      const name = [b.last_name, b.first_name].filter(Boolean).join('') || undefined;
      const r = await app.reposAs(publicReporter('open311')).incidents.intake({
        clientKey,
        category: b.service_code,
        lon: b.long,
        lat: b.lat,
        description: b.address_string ? `${b.description}（${b.address_string}）` : b.description,
        channel: 'open311',
        reporter: name || b.phone ? { name, phone: b.phone?.replace(/[^0-9+ -]/g, '') } : undefined,
      });
      const result = [
        {
          service_request_id: String(r.incident.id),
          service_notice: `受理时限 ${r.incident.deadline_at?.toISOString() ?? ''}`,
          account_id: b.account_id ?? null,
        },
      ];
      reply.code(r.created ? 201 : 200);
      return answer(reply, req.params.format, { root: 'service_requests', item: 'request' }, result);
    },
  );

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
      const rows = await app.reposFor(req).incidents.open311Requests({
        ids: q.service_request_id?.split(',').map(Number),
        serviceCodes: q.service_code?.split(','),
        from: q.start_date,
        to: q.end_date,
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
        querystring: Type.Object(
          { api_key: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: ServiceRequests, ...errors },
      },
    },
    async (req, reply) => {
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
