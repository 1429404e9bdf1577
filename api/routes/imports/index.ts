import { createReadStream, createWriteStream } from 'node:fs';
import { access, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
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
  getImport,
  getImportRow,
  listImports,
  undoImport,
  type ImportPreview,
} from '../../db/import-repository.ts';
import { byteLimit } from '../../lib/byte-limit.ts';
import { csvLine } from '../../lib/csv.ts';
import { IMPORT_LAYER_DEFS, suggestCoordinates, suggestMapping } from '../../lib/import-fields.ts';
import { LOCAL_DATUMS } from '../../lib/crs/definitions.ts';
import { isErrorCode } from '../../lib/error-codes.ts';
import { DomainError, NotFoundError, type ErrorParams } from '../../lib/errors.ts';
import {
  detectFormat,
  ImportFileError,
  previewFile,
  readRecords,
  type SourceRecord,
} from '../../lib/import-readers/index.ts';
import { rejectedRowsFile } from '../../lib/import-runner.ts';
import { importReadLimits } from '../../plugins/import-runner.ts';
import { ErrorBody, Id } from '../../schemas/common.ts';
import {
  ImportJob,
  ImportJobList,
  ImportRejectionsQuery,
  ImportRunBody,
  ImportUploadQuery,
  type ImportRejection,
  type RejectionLanguage,
} from '../../schemas/imports.ts';

/** A file refused at upload (422), with the reader's own code when it has one the catalogue knows. */
function importRefusal(code: string, message: string, params: ErrorParams): DomainError {
  return new DomainError(422, isErrorCode(code) ? code : 'import_file_unreadable', message, params);
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const IdParams = Type.Object({ id: Id() });

/** A rejection's message in `lang`; Chinese falls back to English for rows stored without one. */
const messageIn = (r: ImportRejection, lang: RejectionLanguage): string =>
  lang === 'en' ? r.message : (r.messageZh ?? r.message);

/**
 * File imports into the map layers (DESIGN.md: data in and out). Upload stores the file and
 * answers with a preview and a guessed column mapping; run reads, checks and writes it in the
 * background (progress by polling; cancel); the rejected rows download as a file to fix and
 * upload again; an applied import can be undone. Importing needs the edit_grids permission
 * (the map data editors) and stays inside the caller's area.
 */
export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // the runner and its sweeper are started by api/plugins/import-runner.ts
  const dir = app.imports.dir;
  const limits = importReadLimits(app.config);
  const datumParams = app.config.datumParams;
  const approximateDatums = LOCAL_DATUMS.filter((d) => !datumParams[d]);

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
        throw new DomainError(
          422,
          'import_format_unknown',
          `cannot tell the format of "${filename}": use .geojson, .csv, .zip (Shapefile), .kml or .kmz, or give format`,
          { filename },
        );
      }
      if (!req.body || typeof (req.body as Readable).pipe !== 'function') {
        throw new DomainError(
          415,
          'import_body_not_file',
          'send the file as the body with Content-Type: application/octet-stream',
        );
      }
      // Fastify's bodyLimit does not apply to a body handed on as a stream: the limit is kept
      // here, from the announced length and then from the bytes that actually arrive
      const max = app.config.importMaxBytes;
      const tooLarge = () =>
        new DomainError(413, 'import_too_large', `the file is larger than the import limit of ${max} bytes`, {
          limit: max,
        });
      if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge();
      const ext = { geojson: 'geojson', csv: 'csv', shapefile: 'zip', kml: 'kml' }[format];
      const storedName = `${randomUUID()}.${ext}`;
      const file = path.join(dir, storedName);
      try {
        await pipeline(req.body as Readable, byteLimit(max, tooLarge), createWriteStream(file));
        const { size } = await stat(file);
        if (size === 0) throw new DomainError(422, 'import_file_empty', 'the file is empty', { filename });
        let preview;
        try {
          preview = await previewFile(file, format, 20, { limits });
        } catch (e) {
          if (e instanceof ImportFileError) {
            throw importRefusal(e.code, `${filename}: ${e.message}`, { ...e.params, filename });
          }
          throw e;
        }
        if (preview.records.length === 0) {
          throw importRefusal(
            'import_empty',
            `${filename}: the file holds no ${format === 'csv' ? 'rows' : 'features'} to import${preview.layers.length === 0 && format === 'kml' ? ' (no placemarks in any KML document it holds)' : ''}`,
            { filename },
          );
        }
        // a run needs a column for each required field: without any, it could only be refused later
        const required = IMPORT_LAYER_DEFS[layer].fields.filter((f) => f.required);
        if (preview.columns.length === 0 && required.length > 0) {
          throw importRefusal(
            'import_no_columns',
            `${filename}: its features carry no attributes, so nothing can fill ${required.map((f) => f.name).join(', ')}`,
            { filename, fields: required.map((f) => f.name).join(', ') },
          );
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
          approximateDatums,
          layers: preview.layers,
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
    if (!job) throw new NotFoundError('import', id);
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
      if (!job) throw new NotFoundError('import', id);
      if (job.status !== 'uploaded') {
        throw new DomainError(
          409,
          'import_not_startable',
          `import ${id} is ${job.status}: a file runs once; upload it again to rerun`,
          { id, status: job.status },
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
      if (claimed.rowCount === 0) {
        throw new DomainError(409, 'import_not_startable', `import ${id} has already been started`, {
          id,
          status: 'running',
        });
      }
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
        throw new DomainError(409, 'import_not_running', `import ${id} is ${job.status}, not running`, {
          id,
          status: job.status,
        });
      if (!(await app.imports.cancel(id))) {
        throw new DomainError(
          409,
          'import_elsewhere',
          `import ${id} runs in another server process; cancel it there`,
          { id },
        );
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
    async (req) => undoImport(app.db, app.requireScope(req), req.params.id),
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
        response: { 200: Type.Unknown(), ...errors, 410: ErrorBody },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const lang = req.query.lang ?? 'zh-CN';
      const row = await getImportRow(app.db, app.requireScope(req), id);
      if (!row) throw new NotFoundError('import', id);
      // a run of this process puts the rejected rows aside just after its status turns final
      await app.imports.settled(id);
      const rejections = new Map((await allRejections(app.db, id)).map((r) => [r.row, r]));
      const base = row.filename.replace(/\.[^.]*$/, '');
      const out: string[] = [];
      const kept = rejectedRowsFile(dir, id);
      const upload = path.join(dir, row.stored_name);
      const exists = (f: string) =>
        access(f).then(
          () => true,
          () => false,
        );
      const rows = async function* (): AsyncGenerator<Pick<SourceRecord, 'row' | 'properties' | 'geometry'>> {
        if (rejections.size === 0) return;
        // the rows put aside; the upload while a run in another process has not yet done so
        if (!(await exists(kept)) && (await exists(upload))) {
          yield* readRecords(upload, row.format, { limits });
          return;
        }
        if (!(await exists(kept))) {
          throw new DomainError(
            410,
            'import_rejections_gone',
            `the rejected rows of import ${id} are no longer kept (they are kept for 7 days after the run)`,
            { id },
          );
        }
        const lines = createInterface({ input: createReadStream(kept), crlfDelay: Infinity });
        for await (const line of lines) if (line) yield JSON.parse(line) as SourceRecord;
      };
      if (row.format === 'csv') {
        const columns = row.preview.columns;
        out.push('\uFEFF' + csvLine([...columns, '_row', '_reason', '_message']));
        for await (const rec of rows()) {
          const r = rejections.get(rec.row);
          if (!r) continue;
          out.push(csvLine([...columns.map((c) => rec.properties[c]), r.row, r.reason, messageIn(r, lang)]));
        }
        reply.header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(`${base}-rejected.csv`)}`,
        );
        return reply.type('text/csv; charset=utf-8').send(out.join(''));
      }
      const features: unknown[] = [];
      for await (const rec of rows()) {
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
