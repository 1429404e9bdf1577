import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { TOLERANCE_M, type GridRow, type WriteResult as WriteRow } from '../../db/grid-repository.ts';
import { DomainError, NotFoundError } from '../../lib/errors.ts';
import { shapefileZip, type ShapeRecord } from '../../lib/shapefile.ts';
import { ErrorBody } from '../../schemas/common.ts';
import {
  ExportQuery,
  GridFeature,
  GridHistory,
  GridListing,
  GridListQuery,
  GridParams,
  GridPatchBody,
  GridRejection,
  ImportBody,
  ImportReport,
  MergeBody,
  NewGridBody,
  ReassignBody,
  ReassignmentList,
  ReassignQuery,
  ReassignResult,
  SplitBody,
  ValidateBody,
  ValidateResult,
  VersionQuery,
  WorkerCandidateList,
  WriteResult,
} from '../../schemas/grids.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const writeErrors = { ...errors, 409: ErrorBody, 422: GridRejection };

function feature(row: GridRow): Static<typeof GridFeature> {
  return {
    type: 'Feature',
    id: row.code,
    geometry: row.geometry,
    properties: {
      code: row.code,
      name: row.name,
      parentCode: row.parent_code,
      households: row.households,
      population: row.population,
      version: row.version,
      validFrom: row.valid_from.toISOString(),
      validTo: row.valid_to?.toISOString() ?? null,
      change: row.change,
      changedBy: row.changed_by,
      closedReason: row.closed_reason,
      closedInto: row.closed_into,
      areaM2: Math.round(row.area_m2 * 10) / 10,
      workers: row.workers.map((w) => ({ id: w.id, username: w.username, displayName: w.display_name })),
    },
  };
}

function written(r: WriteRow) {
  return { grids: r.grids.map(feature), warnings: r.warnings, reassignable: r.reassignable };
}

/** dBase fields of the Shapefile export (names at most 10 ASCII characters). */
const SHP_FIELDS = [
  { name: 'CODE', type: 'C' as const, length: 15 },
  { name: 'NAME', type: 'C' as const, length: 254 },
  { name: 'PARENT', type: 'C' as const, length: 12 },
  { name: 'HOUSEHOLDS', type: 'N' as const, length: 10 },
  { name: 'VERSION', type: 'N' as const, length: 6 },
  { name: 'VALIDFROM', type: 'C' as const, length: 24 },
];

/**
 * The grid editor's API: list (also as of a date), check, create, reshape/rename, delete,
 * split, merge, history, import/export, and the reassignment of open incidents after a change.
 * Every write is checked on the server (422 with the problems as GeoJSON) and versioned.
 */
export const gridRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/grids',
    {
      config: { access: 'read' },
      schema: {
        summary: 'the grids of a village or town, with the parent outline and the gaps (also as of a date)',
        tags: ['grids'],
        querystring: GridListQuery,
        response: { 200: GridListing, ...errors },
      },
    },
    async (req) => {
      const at = req.query.at ? new Date(req.query.at) : null;
      const listing = await app.reposFor(req).grids.listGrids(req.query.parent, at);
      if (!listing) {
        throw new DomainError(
          404,
          'area_not_found',
          `no town or village ${req.query.parent}${at ? ` at ${req.query.at}` : ''}`,
          { code: req.query.parent },
        );
      }
      const outline = (o: (typeof listing.villages)[number]) => ({
        type: 'Feature' as const,
        id: o.code,
        geometry: o.geometry,
        properties: { code: o.code, name: o.name, level: o.level },
      });
      return {
        at: at?.toISOString() ?? null,
        parent: outline(listing.parent),
        villages: listing.villages.map(outline),
        grids: { type: 'FeatureCollection' as const, features: listing.grids.map(feature) },
        gaps: {
          type: 'FeatureCollection' as const,
          features: listing.gaps.map((g) => ({
            type: 'Feature' as const,
            geometry: g.geometry,
            properties: { villageCode: g.village_code, areaM2: Math.round(g.area_m2 * 10) / 10 },
          })),
        },
        toleranceM: TOLERANCE_M,
      };
    },
  );

  app.post(
    '/api/grids/validate',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary:
          'check a grid outline as a save would (validity, inside the village, overlaps, gaps); saves nothing',
        tags: ['grids'],
        body: ValidateBody,
        response: { 200: ValidateResult, ...writeErrors },
      },
    },
    async (req) => {
      const r = await app.reposFor(req).grids.validateGrid(req.body);
      return { ok: r.errors.length === 0, errors: r.errors, warnings: r.warnings, toleranceM: TOLERANCE_M };
    },
  );

  app.post(
    '/api/grids',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'create a grid in a village (code generated); 422 with the problems when a check fails',
        tags: ['grids'],
        body: NewGridBody,
        response: { 201: WriteResult, ...writeErrors },
      },
    },
    async (req, reply) => {
      const r = await app.reposFor(req).grids.createGrid(req.body);
      return reply.code(201).send(written(r));
    },
  );

  app.post(
    '/api/grids/merge',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'merge neighbouring grids into the one with the lowest code',
        tags: ['grids'],
        body: MergeBody,
        response: { 200: WriteResult, ...writeErrors },
      },
    },
    async (req) => written(await app.reposFor(req).grids.mergeGrids(req.body)),
  );

  app.post(
    '/api/grids/import',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary:
          "replace a village's grids with a GeoJSON FeatureCollection, all or nothing (dryRun: report only)",
        tags: ['grids'],
        body: ImportBody,
        response: {
          200: ImportReport,
          422: Type.Intersect([
            ImportReport,
            Type.Object({ statusCode: Type.Integer(), message: Type.String() }),
          ]),
          ...errors,
          409: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const dryRun = req.body.dryRun ?? false;
      const r = await app
        .reposFor(req)
        .grids.importGrids(req.body.parentCode, req.body.collection.features, dryRun);
      if (!r.ok) {
        return reply.code(422).send({
          ...r,
          dryRun,
          statusCode: 422,
          message: `the import was refused: ${r.errors.length} problem(s); nothing was saved`,
        });
      }
      return { ...r, dryRun };
    },
  );

  app.get(
    '/api/grids/export',
    {
      config: { access: 'read' },
      schema: {
        summary: "a village's current grids as GeoJSON or a zipped Shapefile (EPSG:4326)",
        tags: ['grids'],
        querystring: ExportQuery,
        response: {
          200: Type.Unknown({
            description: 'application/geo+json, or application/zip (.shp .shx .dbf .prj .cpg)',
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const listing = await app.reposFor(req).grids.listGrids(req.query.parent, null);
      if (!listing) {
        throw new DomainError(404, 'area_not_found', `no village ${req.query.parent}`, {
          code: req.query.parent,
        });
      }
      const base = `grids-${req.query.parent}`;
      if ((req.query.format ?? 'geojson') === 'shapefile') {
        const records: ShapeRecord[] = listing.grids.map((g) => ({
          polygons:
            g.geometry?.type === 'MultiPolygon'
              ? (g.geometry.coordinates as number[][][][])
              : g.geometry?.type === 'Polygon'
                ? [g.geometry.coordinates as number[][][]]
                : [],
          attributes: {
            CODE: g.code,
            NAME: g.name,
            PARENT: g.parent_code,
            HOUSEHOLDS: g.households,
            VERSION: g.version,
            VALIDFROM: g.valid_from.toISOString(),
          },
        }));
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', `attachment; filename="${base}.zip"`)
          .send(shapefileZip(base, SHP_FIELDS, records));
      }
      const body = {
        type: 'FeatureCollection',
        features: listing.grids.map((g) => ({
          type: 'Feature',
          id: g.code,
          geometry: g.geometry,
          properties: {
            code: g.code,
            name: g.name,
            parentCode: g.parent_code,
            households: g.households,
            version: g.version,
            validFrom: g.valid_from.toISOString(),
          },
        })),
      };
      return reply
        .header('content-type', 'application/geo+json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${base}.geojson"`)
        .send(body);
    },
  );

  app.get(
    '/api/grids/reassignments',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'open incidents whose point now lies in another grid than the one they were reported in',
        tags: ['grids'],
        querystring: ReassignQuery,
        response: { 200: ReassignmentList, ...errors },
      },
    },
    async (req) => {
      const rows = await app.reposFor(req).grids.pendingReassignments(req.query.parent);
      return rows.map((r) => ({
        id: r.id,
        category: r.category,
        status: r.status,
        description: r.description,
        reportedAt: r.reported_at.toISOString(),
        gridCode: r.grid_code,
        newGridCode: r.new_grid_code,
        lon: r.lon,
        lat: r.lat,
      }));
    },
  );

  app.post(
    '/api/grids/reassignments',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'move confirmed open incidents to the grid their point now lies in',
        tags: ['grids'],
        body: ReassignBody,
        response: { 200: ReassignResult, ...errors },
      },
    },
    async (req) => app.reposFor(req).grids.reassignIncidents(req.body.incidentIds),
  );

  app.get(
    '/api/grids/workers',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'grid workers who may be assigned to the grids of a village or town',
        tags: ['grids'],
        querystring: ReassignQuery,
        response: { 200: WorkerCandidateList, ...errors },
      },
    },
    async (req) => {
      const rows = await app.reposFor(req).grids.listWorkerCandidates(req.query.parent);
      return rows.map((r) => ({
        id: r.id,
        username: r.username,
        displayName: r.display_name,
        homeAreaCode: r.home_area_code,
      }));
    },
  );

  app.get(
    '/api/grids/:code',
    {
      config: { access: 'read' },
      schema: {
        summary: 'the current version of one grid',
        tags: ['grids'],
        params: GridParams,
        response: { 200: GridFeature, ...errors },
      },
    },
    async (req) => {
      const row = await app.reposFor(req).grids.getGrid(req.params.code);
      if (!row) throw new NotFoundError('grid', req.params.code);
      return feature(row);
    },
  );

  app.put(
    '/api/grids/:code',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'reshape, rename or change households and grid workers (409 when the version is stale)',
        tags: ['grids'],
        params: GridParams,
        body: GridPatchBody,
        response: { 200: WriteResult, ...writeErrors },
      },
    },
    async (req) => written(await app.reposFor(req).grids.updateGrid(req.params.code, req.body)),
  );

  app.delete(
    '/api/grids/:code',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'delete a grid (its current version closes; the code is never reused)',
        tags: ['grids'],
        params: GridParams,
        querystring: VersionQuery,
        response: { 200: WriteResult, ...writeErrors },
      },
    },
    async (req) => written(await app.reposFor(req).grids.deleteGrid(req.params.code, req.query.version)),
  );

  app.post(
    '/api/grids/:code/split',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'split a grid along a line drawn across it; the largest piece keeps the code',
        tags: ['grids'],
        params: GridParams,
        body: SplitBody,
        response: { 200: WriteResult, ...writeErrors },
      },
    },
    async (req) => written(await app.reposFor(req).grids.splitGrid(req.params.code, req.body)),
  );

  app.get(
    '/api/grids/:code/history',
    {
      config: { access: 'read' },
      schema: {
        summary: 'every version of a grid, oldest first, with how each came about and ended',
        tags: ['grids'],
        params: GridParams,
        response: { 200: GridHistory, ...errors },
      },
    },
    async (req) => {
      const rows = await app.reposFor(req).grids.gridHistory(req.params.code);
      if (rows.length === 0) throw new NotFoundError('grid', req.params.code);
      return { code: req.params.code, versions: rows.map(feature) };
    },
  );
};
