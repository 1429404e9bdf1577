import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { LAYERS } from '../../db/feature-repository.ts';
import { convertGeometry, fromWgs84, type ChineseCrs } from '../../lib/chinese-coordinates.ts';
import { writeXlsx, type Cell } from '../../lib/xlsx.ts';
import { ERRORS_4XX } from '../../schemas/common.ts';
import { LAYER_IDS } from '../../schemas/layers.ts';

/** Exports larger than this are refused with the advice to narrow the filter. */
const MAX_EXPORT = 200_000;

const csvCell = (v: Cell) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Exports of a layer (or a filtered incident list) as GeoJSON, CSV or XLSX, in WGS84 or,
 * for use over AMap or Baidu basemaps, in GCJ-02 or BD-09 (converted on the way out;
 * the stored data stays WGS84).
 */
export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/export/:layer',
    {
      config: { access: 'read' },
      schema: {
        summary:
          'a layer in my area as GeoJSON, CSV or XLSX, in WGS84, GCJ-02 or BD-09 (filters as for features)',
        tags: ['export'],
        params: Type.Object({ layer: Type.Enum(LAYER_IDS) }),
        querystring: Type.Object(
          {
            format: Type.Enum(['geojson', 'csv', 'xlsx'], { default: 'geojson' }),
            crs: Type.Optional(Type.Enum(['wgs84', 'gcj02', 'bd09'], { default: 'wgs84' })),
            kind: Type.Optional(Type.String({ maxLength: 20 })),
            status: Type.Optional(Type.String({ maxLength: 30 })),
            level: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
            town: Type.Optional(Type.String({ pattern: '^[0-9]{9}$' })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown(), ...ERRORS_4XX },
      },
    },
    async (req, reply) => {
      const { layer } = req.params;
      const { format, crs: crsParam, ...filter } = req.query;
      const crs = (crsParam ?? 'wgs84') as ChineseCrs;
      const { features, truncated } = await app
        .reposFor(req)
        .features.listFeatures(layer, filter, MAX_EXPORT);
      if (truncated) {
        throw app.httpErrors.unprocessableEntity(
          `more than ${MAX_EXPORT.toLocaleString('en')} features: narrow the export with filters`,
        );
      }
      const def = LAYERS[layer];
      const converted = features.map((f) => ({
        ...f,
        geometry: convertGeometry(f.geometry, (p) => fromWgs84(p, crs)),
      }));
      const stamp = new Date().toISOString().slice(0, 10);
      const file = `${layer}-${stamp}-${crs}`;
      if (format === 'geojson') {
        reply.header('content-disposition', `attachment; filename="${file}.geojson"`);
        return reply.type('application/geo+json').send(
          JSON.stringify({
            type: 'FeatureCollection',
            name: layer,
            // RFC 7946 knows only WGS84; a GCJ-02/BD-09 file says what it holds
            ...(crs === 'wgs84' ? {} : { crs_note: `coordinates in ${crs.toUpperCase()}, not WGS84` }),
            features: converted.map((f) => ({
              type: 'Feature',
              id: f.id,
              geometry: f.geometry,
              properties: f.properties,
            })),
          }),
        );
      }
      const keys = Object.keys(def.properties);
      const point = def.geometry === 'point';
      const head: Cell[] = ['id', 'lon', 'lat', ...keys, ...(point ? [] : ['geometry'])];
      const rows: Cell[][] = [head];
      for (const f of converted) {
        // a point's own position; other shapes give their first position and the GeoJSON
        let c: unknown = f.geometry.coordinates;
        while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
        const [lon, lat] = c as [number, number];
        rows.push([
          f.id,
          lon,
          lat,
          ...keys.map((k) => f.properties[k] as Cell),
          ...(point ? [] : [JSON.stringify(f.geometry)]),
        ]);
      }
      if (format === 'csv') {
        reply.header('content-disposition', `attachment; filename="${file}.csv"`);
        // with a BOM, so Excel opens the UTF-8 (Chinese) text correctly
        return reply
          .type('text/csv; charset=utf-8')
          .send('\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n');
      }
      reply.header('content-disposition', `attachment; filename="${file}.xlsx"`);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(writeXlsx([{ name: def.nameZh, rows }]));
    },
  );
};
