import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { BasemapConfig } from '../../config.ts';
import { GEODATA_DIR } from '../../db/dataset-loader.ts';
import { DomainError } from '../../lib/errors.ts';
import { BasemapSettings } from '../../schemas/basemap.ts';
import { ErrorBody } from '../../schemas/common.ts';

/** The offline basemap layers, served from geodata/basemap (the allow-list of names). */
export const BASEMAP_LAYERS = [
  'ne10m-land',
  'osm-seas',
  'gshhg-coastline',
  'gshhg-rivers',
  'ne10m-rivers',
  'gshhg-borders',
  'ne10m-coastline',
] as const;

/** Where the style of a vector MVT basemap (RISKMAP_BASEMAP_STYLE) is served. */
export const BASEMAP_STYLE_PATH = '/api/basemap-settings/style';

/** The settings the web app reads, from the configuration (`offline` when nothing is set). */
export function basemapSettings(b: BasemapConfig): BasemapSettings {
  if (b.kind === 'offline') {
    return { kind: 'offline', crs: 'wgs84', tiles: null, styleUrl: null, attribution: null, maxzoom: 18 };
  }
  const common = { crs: b.crs, attribution: b.attribution, maxzoom: b.maxzoom };
  if (b.kind === 'raster') return { kind: 'raster', tiles: b.url, styleUrl: null, ...common };
  return { kind: 'vector', tiles: null, styleUrl: b.style ? BASEMAP_STYLE_PATH : b.url, ...common };
}

/**
 * The style file of a vector MVT basemap with the template filled in: every vector source that
 * names no tiles of its own gets the configured template and maximum zoom.
 */
export function vectorStyle(b: BasemapConfig): Record<string, unknown> | null {
  if (b.kind !== 'vector' || !b.style) return null;
  const style = structuredClone(b.style) as { sources?: Record<string, Record<string, unknown>> };
  for (const source of Object.values(style.sources ?? {})) {
    if (source.type === 'vector' && source.tiles === undefined && source.url === undefined) {
      source.tiles = [b.url];
      source.maxzoom ??= b.maxzoom;
      if (b.attribution && source.attribution === undefined) source.attribution = b.attribution;
    }
  }
  return style;
}

export const basemapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const settings = basemapSettings(app.config.basemap);
  const style = vectorStyle(app.config.basemap);

  app.get(
    '/api/basemap-settings',
    {
      // Public: only where the map tiles come from; every map page needs it before drawing.
      config: { access: 'public', rateLimit: { max: 600, timeWindow: 60_000 } },
      schema: {
        summary: 'which basemap the web app draws (offline, or an intranet tile server)',
        tags: ['basemap'],
        response: { 200: BasemapSettings },
      },
    },
    async (_req, reply) => reply.header('cache-control', 'no-cache').send(settings),
  );

  app.get(
    BASEMAP_STYLE_PATH,
    {
      config: { access: 'public', rateLimit: { max: 600, timeWindow: 60_000 } },
      schema: {
        summary: 'the MapLibre style of a vector tile basemap (RISKMAP_BASEMAP_STYLE)',
        tags: ['basemap'],
        response: { 200: Type.Unknown(), 404: ErrorBody },
      },
    },
    async (_req, reply) => {
      if (!style) {
        throw new DomainError(
          404,
          'basemap_style_missing',
          'no vector basemap style is configured (RISKMAP_BASEMAP_STYLE)',
        );
      }
      return reply.header('cache-control', 'no-cache').send(style);
    },
  );

  app.get(
    '/api/basemap/:name',
    {
      // Public: geography only (coast, rivers), and the citizen report page needs it.
      config: { access: 'public', rateLimit: { max: 600, timeWindow: 60_000 } },
      schema: {
        summary: 'one offline basemap layer as GeoJSON',
        tags: ['basemap'],
        params: Type.Object({ name: Type.String({ maxLength: 100 }) }),
        response: { 200: Type.Unknown(), 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const name = req.params.name.replace(/\.geojson$/, '');
      if (!(BASEMAP_LAYERS as readonly string[]).includes(name)) {
        throw new DomainError(
          404,
          'basemap_layer_not_found',
          `unknown basemap layer '${name}'; layers are ${BASEMAP_LAYERS.join(', ')}`,
          { name, layers: BASEMAP_LAYERS.join(', ') },
        );
      }
      return reply
        .type('application/geo+json')
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(path.join(GEODATA_DIR, 'basemap', `${name}.geojson`)));
    },
  );
};
