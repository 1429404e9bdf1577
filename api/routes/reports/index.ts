import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import { publicReporter } from '../../auth/scope.ts';
import { DomainError, NotFoundError } from '../../lib/errors.ts';
import { RATEABLE, type IncidentStatus } from '../../lib/incident-lifecycle.ts';
import { checkPhotos } from '../../lib/photos.ts';
import { publicBaseUrl } from '../../lib/public-url.ts';
import { ErrorBody, Id, TownCode } from '../../schemas/common.ts';
import { IntakeBody } from '../../schemas/incidents.ts';

const CitizenReportBody = Type.Omit(IntakeBody, ['channel']);

/** What a citizen gets back: the report's number, status and deadline, and the code to follow it with. */
const CitizenReportResult = Type.Object({
  id: Type.Integer(),
  status: Type.String(),
  deadlineAt: Type.Union([Type.String(), Type.Null()]),
  trackingCode: Type.String(),
  created: Type.Boolean(),
});

/** A tracking code as intake makes it (12 random bytes, base64url). */
const TrackingCode = Type.String({
  pattern: '^[A-Za-z0-9_-]{16}$',
  description: 'the tracking code of a report',
});

/** What a citizen sees of a report: no staff names, no other reports. */
const TrackedReport = Type.Object({
  id: Type.Integer(),
  status: Type.String(),
  category: Type.String(),
  categoryName: Type.Union([Type.String(), Type.Null()]),
  reportedAt: Type.String(),
  deadlineAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  /** The unit handling it. */
  unit: Type.Union([Type.String(), Type.Null()]),
  /** What the team that resolved it wrote. */
  result: Type.Union([Type.String(), Type.Null()]),
  timeline: Type.Array(
    Type.Object({
      at: Type.String(),
      action: Type.String(),
      toStatus: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  rating: Type.Union([
    Type.Object({
      rating: Type.String(),
      comment: Type.Union([Type.String(), Type.Null()]),
      ratedAt: Type.String(),
    }),
    Type.Null(),
  ]),
  /** Resolved and not rated yet. */
  canRate: Type.Boolean(),
});

const RatingBody = Type.Object(
  {
    code: TrackingCode,
    rating: Type.Enum(['satisfied', 'basic', 'unsatisfied'], {
      description: '满意 / 基本满意 / 不满意 (不满意 sends it back to the town for verification)',
    }),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The citizen report intake (public) and the venue codes (场所码) that open it for a site. */
export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/reports',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        summary: 'citizen report from the /report page or a venue code (public, rate-limited)',
        tags: ['incidents'],
        body: CitizenReportBody,
        response: {
          200: CitizenReportResult,
          201: CitizenReportResult,
          400: ErrorBody,
          409: ErrorBody,
          422: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const channel = req.body.siteId ? 'venue_code' : 'citizen';
      const photos = checkPhotos(req.body.photos ?? []);
      const r = await app.reposAs(publicReporter(channel)).incidents.intake({ ...req.body, channel, photos });
      return reply.code(r.created ? 201 : 200).send({
        id: r.incident.id,
        status: r.incident.status,
        deadlineAt: r.incident.deadline_at?.toISOString() ?? null,
        trackingCode: r.incident.tracking_code ?? '',
        created: r.created,
      });
    },
  );

  app.get(
    '/api/reports/track',
    {
      config: { access: 'public', rateLimit: { max: 60, timeWindow: 60_000 } },
      schema: {
        summary:
          'a citizen follows a report by its tracking code: status, public timeline, result (public, rate-limited)',
        tags: ['incidents'],
        querystring: Type.Object({ code: TrackingCode }, { additionalProperties: false }),
        response: { 200: TrackedReport, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (req) => {
      const r = await app.repos.tracking.trackReport(req.query.code);
      if (!r) throw new DomainError(404, 'tracking_code_unknown', 'no report has this tracking code');
      const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
      return {
        id: r.id,
        status: r.status,
        category: r.category,
        categoryName: r.category_name,
        reportedAt: r.reported_at.toISOString(),
        deadlineAt: iso(r.deadline_at),
        closedAt: iso(r.closed_at),
        unit: r.unit_name,
        result: r.result,
        timeline: r.timeline.map((e) => ({
          at: new Date(e.at).toISOString(),
          action: e.action,
          toStatus: e.to_status,
        })),
        rating: r.rating && {
          rating: r.rating.rating,
          comment: r.rating.comment,
          ratedAt: new Date(r.rating.rated_at).toISOString(),
        },
        canRate: r.rating === null && RATEABLE.includes(r.status as IncidentStatus),
      };
    },
  );

  app.post(
    '/api/reports/rating',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        summary:
          'the citizen rates a resolved report once (不满意 sends it back to the town for verification)',
        tags: ['incidents'],
        body: RatingBody,
        response: { 204: Type.Null(), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      await app.reposAs(publicReporter('citizen')).tracking.rateReport(req.body.code, {
        rating: req.body.rating,
        ...(req.body.comment !== undefined ? { comment: req.body.comment } : {}),
      });
      return reply.code(204).send(null);
    },
  );

  const reportUrl = (origin: string, siteId: number) => `${origin}/report?site=${siteId}`;

  app.get(
    '/api/sites/:id/qr.:format',
    {
      config: { access: 'read' },
      schema: {
        summary: 'the venue code (场所码) of a key site: a QR code opening /report for it, as SVG or PNG',
        tags: ['incidents'],
        params: Type.Object({ id: Id(), format: Type.Enum(['svg', 'png']) }),
        response: { 200: Type.Unknown(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const site = await app.reposFor(req).features.getFeature('sites', req.params.id);
      if (!site) throw new NotFoundError('site', req.params.id);
      const url = reportUrl(publicBaseUrl(req), site.id);
      if (req.params.format === 'svg') {
        return reply
          .type('image/svg+xml')
          .send(await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }));
      }
      return reply
        .type('image/png')
        .send(await QRCode.toBuffer(url, { type: 'png', margin: 2, width: 512, errorCorrectionLevel: 'M' }));
    },
  );

  app.get(
    '/api/sites/qr-sheet',
    {
      config: { access: 'read' },
      schema: {
        summary: "a printable page of the venue codes of a town's key sites",
        tags: ['incidents'],
        querystring: Type.Object(
          { town: TownCode, kind: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{2,8}$' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.String(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (req, reply) => {
      const { features } = await app
        .reposFor(req)
        .features.listFeatures('sites', { town: req.query.town, kind: req.query.kind }, 5000);
      const origin = publicBaseUrl(req);
      const cards = await Promise.all(
        features.map(async (f) => {
          const svg = await QRCode.toString(reportUrl(origin, f.id), {
            type: 'svg',
            margin: 1,
            errorCorrectionLevel: 'M',
          });
          const p = f.properties as { name?: string; kindName?: string; address?: string };
          return `<figure>${svg}<figcaption><b>${escapeHtml(p.name ?? '')}</b><br>${escapeHtml(p.kindName ?? '')} · 场所码 ${f.id}<br><small>${escapeHtml(p.address ?? '')}</small></figcaption></figure>`;
        }),
      );
      return reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>场所码 ${escapeHtml(req.query.town)}</title>` +
            `<style>body{font-family:sans-serif;margin:12mm}main{display:grid;grid-template-columns:repeat(4,1fr);gap:8mm}` +
            `figure{margin:0;break-inside:avoid;text-align:center;border:1px solid #ccc;padding:4mm}svg{width:100%}figcaption{font-size:10pt}</style>` +
            `<h1>场所码 · 扫码上报 (${features.length})</h1><main>${cards.join('')}</main></html>`,
        );
    },
  );
};
