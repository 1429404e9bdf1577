import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  allRejections,
  checkRunOptions,
  createImport,
  failInterruptedImports,
  getImport,
  getImportRow,
  ImportError,
  listImports,
  undoImport,
  type ImportPreview,
} from '../../db/import-repository.ts';
import { byteLimit } from '../../lib/byte-limit.ts';
import { suggestCoordinates, suggestMapping } from '../../lib/import-fields.ts';
import { detectFormat, ImportFileError, previewFile, readRecords } from '../../lib/import-readers/index.ts';
import { ImportRunner } from '../../lib/import-runner.ts';
import { ErrorBody } from '../../schemas/common.ts';
import {
  ImportJob,
  ImportJobList,
  ImportRejectionsQuery,
  ImportRunBody,
  ImportUploadQuery,
  type ImportRejection,
  type RejectionLanguage,
} from '../../schemas/imports.ts';

declare module 'fastify' {
  interface FastifyInstance {
    imports: ImportRunner;
  }
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** A rejection's message in `lang`; Chinese falls back to English for rows stored without one. */
const messageIn = (r: ImportRejection, lang: RejectionLanguage): string =>
  lang === 'en' ? r.message : (r.messageZh ?? r.message);

const csvField = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * File imports into the map layers (DESIGN.md: data in and out). Upload stores the file and
 * answers with a preview and a guessed column mapping; run reads, checks and writes it in the
 * background (progress by polling; cancel); the rejected rows download as a file to fix and
 * upload again; an applied import can be undone. Importing needs the edit_grids permission
 * (the map data editors) and stays inside the caller's area.
 */
export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const dir = path.join(app.config.dataDir, 'imports');
  await mkdir(dir, { recursive: true });
  app.decorate('imports', new ImportRunner(app.db, dir, app.log));
  await failInterruptedImports(app.db);
  // and later too: a process that died while another kept serving leaves its imports behind
  const sweep = setInterval(() => {
    failInterruptedImports(app.db).catch((err: unknown) => app.log.warn({ err }, 'import sweep failed'));
  }, 30_000);
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await app.imports.close();
  });

  // The upload body is the file itself, streamed to disk (never buffered whole).
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

  app.post(
    '/api/imports',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'upload a file to import (GeoJSON, CSV, zipped Shapefile, KML): answers with a preview',
        tags: ['imports'],
        querystring: ImportUploadQuery,
        response: { 201: ImportJob, ...errors, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const scope = app.requireScope(req);
      const { layer, filename } = req.query;
      const format = req.query.format ?? detectFormat(filename);
      if (!format) {
        throw app.httpErrors.unprocessableEntity(
          `cannot tell the format of "${filename}": use .geojson, .csv, .zip (Shapefile), .kml or .kmz, or give format`,
        );
      }
      if (!req.body || typeof (req.body as Readable).pipe !== 'function') {
        throw app.httpErrors.unsupportedMediaType(
          'send the file as the body with Content-Type: application/octet-stream',
        );
      }
      // Fastify's bodyLimit does not apply to a body handed on as a stream: the limit is kept
      // here, from the announced length and then from the bytes that actually arrive
      const max = app.config.importMaxBytes;
      const tooLarge = () =>
        app.httpErrors.payloadTooLarge(`the file is larger than the import limit of ${max} bytes`);
      if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge();
      const ext = { geojson: 'geojson', csv: 'csv', shapefile: 'zip', kml: 'kml' }[format];
      const storedName = `${randomUUID()}.${ext}`;
      const file = path.join(dir, storedName);
      try {
        await pipeline(req.body as Readable, byteLimit(max, tooLarge), createWriteStream(file));
        const { size } = await stat(file);
        if (size === 0) throw app.httpErrors.unprocessableEntity('the file is empty');
        let preview;
        try {
          preview = await previewFile(file, format, 20);
        } catch (e) {
          if (e instanceof ImportFileError)
            throw app.httpErrors.unprocessableEntity(`${filename}: ${e.message}`);
          throw e;
        }
        const hasGeometry = format !== 'csv';
        const body: ImportPreview = {
          columns: preview.columns,
          sample: preview.records.map((r) => r.properties),
          sampleGeometries: preview.records.map((r) => r.geometry),
          hasGeometry,
          suggestedMapping: suggestMapping(layer, preview.columns),
          suggestedCoordinates: hasGeometry ? null : suggestCoordinates(preview.columns),
          detectedCrs: preview.detectedCrs,
        };
        const job = await createImport(app.db, scope, {
          layer,
          format,
          filename,
          storedName,
          sizeBytes: size,
          preview: body,
        });
        return reply.code(201).send(job);
      } catch (e) {
        await rm(file, { force: true });
        throw e;
      }
    },
  );

  app.get(
    '/api/imports',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'recent imports, newest first',
        tags: ['imports'],
        response: { 200: ImportJobList, ...errors },
      },
    },
    async (req) => {
      const jobs = await listImports(app.db, app.requireScope(req));
      return jobs.map((j) => ({ ...j, progress: app.imports.progressOf(j.id) ?? j.progress }));
    },
  );

  const loadJob = async (req: Parameters<typeof app.requireScope>[0], id: number) => {
    const job = await getImport(app.db, app.requireScope(req), id);
    if (!job) throw app.httpErrors.notFound(`import ${id} not found`);
    return { ...job, progress: app.imports.progressOf(id) ?? job.progress };
  };

  app.get(
    '/api/imports/:id',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'one import, with its progress while it runs',
        tags: ['imports'],
        params: IdParams,
        response: { 200: ImportJob, ...errors },
      },
    },
    async (req) => loadJob(req, req.params.id),
  );

  app.post(
    '/api/imports/:id/run',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'run an uploaded import with the confirmed mapping and source coordinate system',
        tags: ['imports'],
        params: IdParams,
        body: ImportRunBody,
        response: { 202: ImportJob, ...errors, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const scope = app.requireScope(req);
      const { id } = req.params;
      const job = await getImport(app.db, scope, id);
      if (!job) throw app.httpErrors.notFound(`import ${id} not found`);
      if (job.status !== 'uploaded') {
        throw app.httpErrors.conflict(
          `import ${id} is ${job.status}: a file runs once; upload it again to rerun`,
        );
      }
      checkRunOptions(job, req.body);
      const row = (await getImportRow(app.db, scope, id))!;
      // claim it: of two concurrent runs of one import, one gets the row
      const claimed = await app.db.query(
        `UPDATE imports SET status = 'running', options = $2, progress = progress || jsonb_build_object('phase', 'reading', 'at', now())
         WHERE id = $1 AND status = 'uploaded'`,
        [id, JSON.stringify(req.body)],
      );
      if (claimed.rowCount === 0) throw app.httpErrors.conflict(`import ${id} has already been started`);
      app.imports.start(scope, id, req.body, path.join(dir, row.stored_name), job.sizeBytes);
      return reply.code(202).send(await loadJob(req, id));
    },
  );

  app.post(
    '/api/imports/:id/cancel',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'stop a running import (nothing of it is written)',
        tags: ['imports'],
        params: IdParams,
        response: { 200: ImportJob, ...errors, 409: ErrorBody },
      },
    },
    async (req) => {
      const { id } = req.params;
      const job = await loadJob(req, id);
      if (job.status !== 'running')
        throw app.httpErrors.conflict(`import ${id} is ${job.status}, not running`);
      if (!(await app.imports.cancel(id))) {
        throw app.httpErrors.conflict(`import ${id} runs in another server process; cancel it there`);
      }
      return loadJob(req, id);
    },
  );

  app.post(
    '/api/imports/:id/undo',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary: 'take an applied import back',
        tags: ['imports'],
        params: IdParams,
        response: { 200: ImportJob, ...errors, 409: ErrorBody },
      },
    },
    async (req) => {
      try {
        return await undoImport(app.db, app.requireScope(req), req.params.id);
      } catch (e) {
        if (e instanceof ImportError && e.statusCode === 404) throw app.httpErrors.notFound(e.message);
        throw e;
      }
    },
  );

  app.get(
    '/api/imports/:id/rejections',
    {
      config: { access: 'edit_grids' },
      schema: {
        summary:
          'the rejected rows with their reasons, as a file to fix and upload again (CSV for a CSV, GeoJSON otherwise); `_message` in `lang` (zh-CN by default, or en)',
        tags: ['imports'],
        params: IdParams,
        querystring: ImportRejectionsQuery,
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const lang = req.query.lang ?? 'zh-CN';
      const row = await getImportRow(app.db, app.requireScope(req), id);
      if (!row) throw app.httpErrors.notFound(`import ${id} not found`);
      const rejections = new Map((await allRejections(app.db, id)).map((r) => [r.row, r]));
      const file = path.join(dir, row.stored_name);
      const base = row.filename.replace(/\.[^.]*$/, '');
      const out: string[] = [];
      if (row.format === 'csv') {
        const columns = row.preview.columns;
        out.push('\uFEFF' + [...columns, '_row', '_reason', '_message'].map(csvField).join(',') + '\r\n');
        for await (const rec of readRecords(file, 'csv')) {
          const r = rejections.get(rec.row);
          if (!r) continue;
          out.push(
            [...columns.map((c) => rec.properties[c]), r.row, r.reason, messageIn(r, lang)]
              .map(csvField)
              .join(',') + '\r\n',
          );
        }
        reply.header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(`${base}-rejected.csv`)}`,
        );
        return reply.type('text/csv; charset=utf-8').send(out.join(''));
      }
      const features: unknown[] = [];
      for await (const rec of readRecords(file, row.format)) {
        const r = rejections.get(rec.row);
        if (!r) continue;
        features.push({
          type: 'Feature',
          geometry: rec.geometry,
          properties: { ...rec.properties, _row: r.row, _reason: r.reason, _message: messageIn(r, lang) },
        });
      }
      reply.header(
        'content-disposition',
        `attachment; filename*=UTF-8''${encodeURIComponent(`${base}-rejected.geojson`)}`,
      );
      return reply.type('application/geo+json').send(JSON.stringify({ type: 'FeatureCollection', features }));
    },
  );
};
