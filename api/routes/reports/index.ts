import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import { publicReporter } from '../../auth/scope.ts';
import { checkPhotos } from '../../lib/photos.ts';
import { ErrorBody, TownCode } from '../../schemas/common.ts';
import { IntakeBody } from '../../schemas/incidents.ts';

const CitizenReportBody = Type.Omit(IntakeBody, ['channel']);

const CitizenReportResult = Type.Object({
  id: Type.Integer(),
  status: Type.String(),
  deadlineAt: Type.Union([Type.String(), Type.Null()]),
  created: Type.Boolean(),
});

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
          422: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const channel = req.body.siteId ? 'venue_code' : 'citizen';
      const checked = checkPhotos(req.body.photos ?? []);
      if ('error' in checked) return reply.unprocessableEntity(`body/${checked.error}`);
      const r = await app
        .reposAs(publicReporter(channel))
        .incidents.intake({ ...req.body, channel, photos: checked.photos });
      return reply.code(r.created ? 201 : 200).send({
        id: r.incident.id,
        status: r.incident.status,
        deadlineAt: r.incident.deadline_at?.toISOString() ?? null,
        created: r.created,
      });
    },
  );

  const reportUrl = (origin: string, siteId: number) => `${origin}/report?site=${siteId}`;
  const originOf = (req: { protocol: string; headers: { host?: string } }) =>
    `${req.protocol}://${req.headers.host ?? 'localhost'}`;

  app.get(
    '/api/sites/:id/qr.:format',
    {
      config: { access: 'read' },
      schema: {
        summary: 'the venue code (场所码) of a key site: a QR code opening /report for it, as SVG or PNG',
        tags: ['incidents'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), format: Type.Enum(['svg', 'png']) }),
        response: { 200: Type.Unknown(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const site = await app.reposFor(req).features.getFeature('sites', req.params.id);
      if (!site) return reply.notFound(`no site ${req.params.id}`);
      const url = reportUrl(originOf(req), site.id);
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
      const origin = originOf(req);
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
