import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { LAYERS } from '../../db/feature-repository.ts';
import { convertGeometry } from '../../lib/chinese-coordinates.ts';
import { crsById, EXPORT_CRS_IDS, isProjected } from '../../lib/crs/definitions.ts';
import { esriPrj, fromWgs84Converter } from '../../lib/crs/transform.ts';
import { rfc7946Winding } from '../../lib/crs/winding.ts';
import { csvLine } from '../../lib/csv.ts';
import { scopeCovers } from '../../auth/scope.ts';
import type { ReportGroup } from '../../db/report-repository.ts';
import { shapefileZip, type DbfField, type ShapeRecord } from '../../lib/shapefile.ts';
import { toEwkt, type Geometry } from '../../lib/wkt.ts';
import { splitLongCells, writeXlsx, type Cell } from '../../lib/xlsx.ts';
import { ERRORS_4XX } from '../../schemas/common.ts';
import { LAYER_IDS } from '../../schemas/layers.ts';
import { DomainError } from '../../lib/errors.ts';
import { getCalendar } from '../../db/incident-repository.ts';
import {
  ASSESSMENT_LEVELS,
  ASSESSMENT_DEFAULT_DAYS,
  ASSESSMENT_MAX_DAYS,
  assessmentWindow,
  type AssessmentLevel,
} from '../../lib/assessment.ts';
import type { NamedAssessmentRow } from '../../db/assessment-repository.ts';

/** The assessment sheets' names, one per level. */
const ASSESSMENT_SHEETS: Record<AssessmentLevel, string> = {
  town: '考核-镇街',
  village: '考核-村社区',
  unit: '考核-单位',
  team: '考核-队伍',
};

const ASSESSMENT_HEAD: Cell[] = [
  '排名 rank',
  '代码 code',
  '名称 name',
  '受理数 received',
  '办结数 resolved',
  '按时办结 on time',
  '超期 overdue',
  '按时办结率% on-time rate',
  '平均办理时长(工作小时) avg handling (working h)',
  '返工率% rework rate',
  '转办/退回 transfers',
  '督办 supervision',
  '评价数 rated',
  '满意率% satisfaction',
];

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

function assessmentLine(r: NamedAssessmentRow): Cell[] {
  return [
    r.rank,
    r.code,
    r.name,
    r.received,
    r.resolved,
    r.onTime,
    r.overdue,
    pct(r.onTimeRate),
    r.avgHandlingHours === null ? null : Math.round(r.avgHandlingHours * 10) / 10,
    pct(r.reworkRate),
    r.transfers,
    r.supervisions,
    r.rated,
    pct(r.satisfactionRate),
  ];
}

/** Exports larger than this are refused with the advice to narrow the filter. */
const MAX_EXPORT = 200_000;

/** Rows as CSV (with a BOM, so Excel opens the UTF-8 Chinese text correctly) or as XLSX. */
function sendTable(
  reply: FastifyReply,
  file: string,
  format: 'csv' | 'xlsx',
  sheet: { zh: string; rows: Cell[][] },
): FastifyReply {
  if (format === 'csv') {
    reply.header('content-disposition', `attachment; filename="${file}.csv"`);
    return reply.type('text/csv; charset=utf-8').send('\uFEFF' + sheet.rows.map(csvLine).join(''));
  }
  reply.header('content-disposition', `attachment; filename="${file}.xlsx"`);
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(writeXlsx(splitLongCells({ name: sheet.zh, rows: sheet.rows })));
}

/**
 * The systems an export can be written in: `wgs84` (the default), `gcj02`, `bd09`, and
 * CGCS2000 as `EPSG:4490` (lon/lat) or a 3° Gauss–Krüger zone `EPSG:4513`–`EPSG:4554`
 * (EPSG:4547 for Dongguan).
 */
const ExportCrs = Type.Optional(Type.Enum(EXPORT_CRS_IDS, { default: 'wgs84' }));

/** The positions and file-naming of an export in `crs`. */
function exportCrs(id: string) {
  const def = crsById(id)!;
  const convert = fromWgs84Converter(def.id);
  return {
    def,
    projected: isProjected(def),
    /** A WGS 84 geometry in the export's system, polygons wound as RFC 7946 asks. */
    geometry: <G extends { type: string; coordinates: unknown }>(g: G): G =>
      rfc7946Winding(convertGeometry(g, convert)),
    /** For file names: wgs84, gcj02, bd09, epsg4547 … */
    tag: def.epsg !== null && def.id !== 'wgs84' ? `epsg${def.epsg}` : def.id,
    /**
     * The GeoJSON members that say what the coordinates are: none for WGS 84 (RFC 7946); the
     * legacy `crs` member GDAL and QGIS read for an EPSG system; a note for GCJ-02/BD-09,
     * which have no code.
     */
    geojsonMembers: (): Record<string, unknown> =>
      def.id === 'wgs84'
        ? {}
        : def.epsg !== null
          ? { crs: { type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${def.epsg}` } } }
          : { crs_note: `coordinates in ${def.id.toUpperCase()}, not WGS84` },
  };
}

/**
 * Exports of a layer (or a filtered incident list) as GeoJSON, CSV or XLSX, in WGS84 or,
 * for use over AMap or Baidu basemaps, in GCJ-02 or BD-09 (converted on the way out;
 * the stored data stays WGS84).
 */
export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/export/areas',
    {
      config: { access: 'read' },
      schema: {
        summary: 'towns, villages or grids in my area as GeoJSON, CSV, XLSX or a zipped Shapefile',
        tags: ['export'],
        querystring: Type.Object(
          {
            level: Type.Enum(['town', 'village', 'grid']),
            parent: Type.Optional(Type.String({ pattern: '^[0-9]{6,12}$' })),
            format: Type.Enum(['geojson', 'csv', 'xlsx', 'shapefile'], { default: 'geojson' }),
            crs: ExportCrs,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown(), ...ERRORS_4XX },
      },
    },
    async (req, reply) => {
      const { level, parent, format } = req.query;
      const crs = exportCrs(req.query.crs ?? 'wgs84');
      const scope = app.requireScope(req);
      // the listing also gives the scope's ancestors (for names); an export holds only what is inside it
      const areas = (await app.reposFor(req).areas.listAreas({ level, parent, geometry: true })).filter((a) =>
        scopeCovers(scope, a.code),
      );
      const rows = areas.map((a) => ({
        code: a.code,
        name: a.name,
        level: a.level,
        parentCode: a.parent_code,
        population: a.population,
        households: a.households,
        version: a.version,
        validFrom: a.valid_from.toISOString(),
        geometry: a.geometry ? crs.geometry(a.geometry) : null,
      }));
      const file = `areas-${level}${parent ? `-${parent}` : ''}-${new Date().toISOString().slice(0, 10)}-${crs.tag}`;
      if (format === 'shapefile') {
        const fields: DbfField[] = [
          { name: 'CODE', type: 'C', length: 15 },
          { name: 'NAME', type: 'C', length: 120 },
          { name: 'LEVEL', type: 'C', length: 8 },
          { name: 'PARENT', type: 'C', length: 15 },
          { name: 'POPULATION', type: 'N', length: 10 },
          { name: 'HOUSEHOLDS', type: 'N', length: 10 },
          { name: 'VERSION', type: 'N', length: 6 },
          { name: 'VALIDFROM', type: 'C', length: 24 },
        ];
        const records: ShapeRecord[] = rows.map((r) => ({
          polygons:
            r.geometry?.type === 'MultiPolygon'
              ? (r.geometry.coordinates as number[][][][])
              : r.geometry?.type === 'Polygon'
                ? [r.geometry.coordinates as number[][][]]
                : [],
          attributes: {
            CODE: r.code,
            NAME: r.name,
            LEVEL: r.level,
            PARENT: r.parentCode,
            POPULATION: r.population,
            HOUSEHOLDS: r.households,
            VERSION: r.version,
            VALIDFROM: r.validFrom,
          },
        }));
        return (
          reply
            .type('application/zip')
            .header('content-disposition', `attachment; filename="${file}.zip"`)
            // GCJ-02 and BD-09 have no EPSG definition: no .prj rather than a WGS84 one that is wrong
            .send(shapefileZip(file, fields, records, esriPrj(crs.def.id)))
        );
      }
      if (format === 'geojson') {
        reply.header('content-disposition', `attachment; filename="${file}.geojson"`);
        return reply.type('application/geo+json').send(
          JSON.stringify({
            type: 'FeatureCollection',
            name: `areas-${level}`,
            ...crs.geojsonMembers(),
            features: rows.map(({ geometry, ...properties }) => ({
              type: 'Feature',
              id: properties.code,
              geometry,
              properties,
            })),
          }),
        );
      }
      const table: Cell[][] = [
        ['code', 'name', 'level', 'parentCode', 'population', 'households', 'version', 'validFrom', 'wkt'],
        ...rows.map((r) => [
          r.code,
          r.name,
          r.level,
          r.parentCode,
          r.population,
          r.households,
          r.version,
          r.validFrom,
          r.geometry ? toEwkt(r.geometry as Geometry).replace(/^SRID=\d+;/, '') : null,
        ]),
      ];
      return sendTable(reply, file, format, { zh: '行政区与网格', rows: table });
    },
  );

  app.get(
    '/api/export/incident-report',
    {
      config: { access: 'read' },
      schema: {
        summary:
          'incident report as XLSX: counts by town and by category, on-time rate, with the filters used',
        tags: ['export'],
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            town: Type.Optional(Type.String({ pattern: '^[0-9]{9}$' })),
            kind: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{2,8}$' })),
            status: Type.Optional(Type.String({ pattern: '^[a-z_]{1,30}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown(), ...ERRORS_4XX },
      },
    },
    async (req, reply) => {
      const q = req.query;
      // as instants: the text of date-times with different offsets does not sort in time order
      if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to))
        throw new DomainError(400, 'export_window_reversed', 'from must be before to');
      const report = await app.reposFor(req).reports.incidentReport(q);
      const rate = (g: ReportGroup) => (g.resolved ? Math.round((g.onTime / g.resolved) * 1000) / 10 : null);
      const head: Cell[] = [
        '代码 code',
        '名称 name',
        '总数 total',
        '未办结 open',
        '已办结 resolved',
        '按时办结 on time',
        '按时率% on-time rate',
        '超期未办结 overdue',
      ];
      const line = (g: ReportGroup): Cell[] => [
        g.code,
        g.name,
        g.total,
        g.open,
        g.resolved,
        g.onTime,
        rate(g),
        g.overdue,
      ];
      const scope = app.requireScope(req);
      const summary: Cell[][] = [
        ['事件统计报表 Incident report'],
        ['生成时间 generated', new Date().toISOString()],
        ['范围 area', scope.areaCode || '441900'],
        ['上报起 from', q.from ?? '（不限）'],
        ['上报止 to', q.to ?? '（不限）'],
        ['镇街 town', q.town ?? '（不限）'],
        ['类别 category', q.kind ?? '（不限）'],
        ['状态 status', q.status ?? '（不限）'],
        [],
        head,
        line(report.total),
      ];
      // the assessment of the same window (the last 30 days when open), one sheet per level, for
      // those who may assess
      const assessment: { name: string; rows: Cell[][] }[] = [];
      const longest = ASSESSMENT_MAX_DAYS * 86_400_000;
      const toMs = q.to ? Date.parse(q.to) : Date.now();
      const fromMs = q.from ? Date.parse(q.from) : toMs - ASSESSMENT_DEFAULT_DAYS * 86_400_000;
      const spans = fromMs < toMs && toMs - fromMs <= longest;
      if (scope.permissions.has('assess') && !spans)
        summary.push(
          [],
          [
            `考核 assessment: 时段超过 ${ASSESSMENT_MAX_DAYS} 天或为空，未列出 (window over ${ASSESSMENT_MAX_DAYS} days or empty)`,
          ],
        );
      if (scope.permissions.has('assess') && spans) {
        const now = new Date();
        const { from, to } = assessmentWindow(q.from, q.to, now);
        const calendar = await getCalendar(app.db);
        const repos = app.reposFor(req);
        summary.push([], ['考核时段 assessment window', from.toISOString(), to.toISOString()]);
        for (const level of ASSESSMENT_LEVELS) {
          const rows = await repos.assessment.assessment({ level, from, to, calendar, now });
          assessment.push({
            name: ASSESSMENT_SHEETS[level],
            rows: [ASSESSMENT_HEAD, ...rows.map(assessmentLine)],
          });
        }
      }
      const stamp = new Date().toISOString().slice(0, 10);
      reply.header('content-disposition', `attachment; filename="incident-report-${stamp}.xlsx"`);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(
          writeXlsx([
            { name: '汇总', rows: summary },
            { name: '按镇街', rows: [head, ...report.byTown.map(line)] },
            { name: '按类别', rows: [head, ...report.byCategory.map(line)] },
            ...assessment,
          ]),
        );
    },
  );

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
            crs: ExportCrs,
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
      const crs = exportCrs(crsParam ?? 'wgs84');
      const { features, truncated } = await app
        .reposFor(req)
        .features.listFeatures(layer, filter, MAX_EXPORT);
      if (truncated) {
        throw new DomainError(
          422,
          'export_too_many',
          `more than ${MAX_EXPORT.toLocaleString('en')} features: narrow the export with filters`,
          { limit: MAX_EXPORT },
        );
      }
      const def = LAYERS[layer];
      const converted = features.map((f) => ({
        ...f,
        geometry: crs.geometry(f.geometry),
      }));
      const stamp = new Date().toISOString().slice(0, 10);
      const file = `${layer}-${stamp}-${crs.tag}`;
      if (format === 'geojson') {
        reply.header('content-disposition', `attachment; filename="${file}.geojson"`);
        return reply.type('application/geo+json').send(
          JSON.stringify({
            type: 'FeatureCollection',
            name: layer,
            // RFC 7946 knows only WGS84; a file in another system says what it holds
            ...crs.geojsonMembers(),
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
      // eastings and northings in metres for a projected system
      const head: Cell[] = [
        'id',
        ...(crs.projected ? ['x', 'y'] : ['lon', 'lat']),
        ...keys,
        ...(point ? [] : ['geometry']),
      ];
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
      return sendTable(reply, file, format, { zh: def.nameZh, rows });
    },
  );
};
