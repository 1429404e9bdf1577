import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zip } from '../../api/lib/shapefile.ts';
import { openApp, SHOTS, type App, type AppPage } from './harness.ts';

/** Four positions well inside Dongguan (莞城, 东城, 南城), and one in Guangzhou, outside it. */
const INSIDE: [number, number][] = [
  [113.7518, 23.0205],
  [113.7602, 23.0311],
  [113.7405, 23.0102],
  [113.7701, 23.0398],
];
const OUTSIDE: [number, number] = [113.2644, 23.1291];

/** The names of the rows, unique to this run so that the features can be found again. */
const TAG = `导入测试${Date.now().toString(36)}`;

/** A CSV of 6 sites: 4 good, one with an unknown kind, one outside the city. */
function sitesCsv(kind: string): string {
  const rows = [
    ...INSIDE.map(([lon, lat], i) => [`${TAG}-${i + 1}`, kind, lon, lat, `东莞市测试路${i + 1}号`]),
    [`${TAG}-unknown-kind`, 'NO_SUCH_KIND', 113.7555, 23.0255, '东莞市测试路5号'],
    [`${TAG}-outside`, kind, OUTSIDE[0], OUTSIDE[1], '广州市越秀区测试路6号'],
  ];
  return ['名称,类型,经度,纬度,地址', ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

/** The number of sites the API reports (GET /api/layers), as the signed-in admin sees it. */
function siteCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const layers = (await (await fetch('/api/layers')).json()) as Array<{ id: string; count: number }>;
    return layers.find((l) => l.id === 'sites')?.count ?? -1;
  });
}

/** The names of this run's sites found around the test positions. */
function taggedSites(page: Page): Promise<string[]> {
  return page.evaluate(async (tag) => {
    const r = await fetch('/api/layers/sites/features?bbox=113.2,22.9,113.9,23.2&limit=20000');
    const fc = (await r.json()) as { features: Array<{ properties: { name?: string } }> };
    return fc.features
      .map((f) => f.properties.name ?? '')
      .filter((n) => n.startsWith(tag))
      .sort();
  }, TAG);
}

/** Choose the sites layer and the CSV, upload, and wait for the preview of a new job. */
async function uploadCsv(page: Page, csv: string, previousJob: string | null): Promise<string> {
  await page.getByTestId('import-layer').selectOption('sites');
  await page.getByTestId('import-file').setInputFiles({
    name: 'sites.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await page.getByTestId('import-upload').click();
  await page.getByTestId('import-preview').waitFor({ timeout: 60_000 });
  const current = page.getByTestId('import-current');
  await expect.poll(() => current.getAttribute('data-job-id')).not.toBe(previousJob);
  return (await current.getAttribute('data-job-id'))!;
}

/** Waits for the current import to end and returns its status. */
async function finalStatus(page: Page): Promise<string> {
  const result = page.getByTestId('import-result');
  await result.waitFor({ timeout: 90_000 });
  return (await result.getAttribute('data-status'))!;
}

describe('data import in Chromium', () => {
  let app: App & AppPage;
  beforeAll(async () => {
    app = await openApp({ user: 'admin' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('imports a CSV of sites: all or nothing refuses it, only accepted rows writes 4, undo takes them back', async () => {
    const { page, foreign } = app;
    // the later tests' handler may accept first: a second accept is refused, harmlessly
    page.on('dialog', (d) => void d.accept().catch(() => {}));

    const kinds = await page.evaluate(async () => {
      const r = await fetch('/api/categories?kind=site');
      return (await r.json()) as Array<{ kind: string; code: string }>;
    });
    const kind = kinds.find((k) => k.kind === 'site')?.code;
    expect(kind).toBeTruthy();
    // the four positions are inside the city (a town contains each), the fifth is not
    for (const [lon, lat] of [...INSIDE, OUTSIDE]) {
      const at = await page.evaluate(
        ([x, y]) =>
          fetch(`/api/areas/at?lon=${x}&lat=${y}`).then((r) => r.json()) as Promise<{
            path: Array<{ level: string }>;
          }>,
        [lon, lat],
      );
      const inTown = at.path.some((p) => p.level === 'town');
      expect(inTown, `${lon},${lat}`).toBe(lon !== OUTSIDE[0]);
    }
    const before = await siteCount(page);
    expect(before).toBeGreaterThan(0);
    const csv = sitesCsv(kind!);

    await page.getByTestId('import-link').click();
    await page.getByTestId('import-page').waitFor();

    // ---- first run: all or nothing (the default)
    const firstJob = await uploadCsv(page, csv, null);
    expect(await page.getByTestId('import-sample').locator('tbody tr').count()).toBe(6);
    expect(await page.getByTestId('import-map-name').inputValue()).toBe('名称');
    expect(await page.getByTestId('import-map-kind').inputValue()).toBe('类型');
    expect(await page.getByTestId('import-map-address').inputValue()).toBe('地址');
    expect(await page.getByTestId('import-coord-lon').inputValue()).toBe('经度');
    expect(await page.getByTestId('import-coord-lat').inputValue()).toBe('纬度');
    expect(await page.getByTestId('import-crs').inputValue()).toBe('wgs84');
    expect(await page.getByTestId('import-crs-accuracy').textContent()).toContain('小于 1 米');
    expect(await page.getByTestId('import-on-rejected-abort').isChecked()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'import-preview.png'), fullPage: true });

    await page.getByTestId('import-run').click();
    expect(await finalStatus(page)).toBe('rejected');
    expect(await page.getByTestId('import-rejected-count').textContent()).toBe('2');
    const reasons = await page
      .getByTestId('import-rejections')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reason')).sort());
    expect(reasons).toEqual(['outside_city', 'unknown_category']);
    // the reasons are shown translated, not as codes
    const rejectionText = await page.getByTestId('import-rejections').textContent();
    expect(rejectionText).toContain('不在东莞市范围内');
    expect(rejectionText).not.toContain('unknown_category');
    // and so are their messages, in the interface language
    expect(rejectionText).toContain('未知的场所类型“NO_SUCH_KIND”');
    expect(rejectionText).toContain('位置在东莞市范围之外');
    expect(await siteCount(page)).toBe(before);
    expect(await taggedSites(page)).toEqual([]);

    // all rejected rows as CSV: the original columns plus _row, _reason, _message
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('import-download-rejections').click(),
    ]);
    const text = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(3);
    for (const column of ['名称', '类型', '经度', '纬度', '_row', '_reason', '_message'])
      expect(lines[0]).toContain(column);
    expect(lines.slice(1).join('\n')).toContain(`${TAG}-unknown-kind`);
    expect(lines.slice(1).join('\n')).toContain(`${TAG}-outside`);
    expect(lines.slice(1).join('\n')).toContain('位置在东莞市范围之外');

    // ---- second run on a fresh upload: only the accepted rows
    const secondJob = await uploadCsv(page, csv, firstJob);
    await page.getByTestId('import-on-rejected-skip').check();
    await page.getByTestId('import-run').click();
    expect(await finalStatus(page)).toBe('applied');
    expect(await page.getByTestId('import-inserted').textContent()).toBe('4');
    expect(await page.getByTestId('import-rejected-count').textContent()).toBe('2');
    expect(await siteCount(page)).toBe(before + 4);
    expect(await taggedSites(page)).toEqual([1, 2, 3, 4].map((i) => `${TAG}-${i}`));
    await page.screenshot({ path: path.join(SHOTS, 'import-applied.png'), fullPage: true });

    // the recent imports list both, newest first
    const recent = page.getByTestId('import-recent');
    await expect
      .poll(() => recent.getByTestId(`import-recent-${secondJob}`).getAttribute('data-status'))
      .toBe('applied');
    expect(await recent.getByTestId(`import-recent-${firstJob}`).getAttribute('data-status')).toBe(
      'rejected',
    );

    // ---- undo
    await page.getByTestId('import-undo').click();
    await expect
      .poll(() => page.getByTestId('import-result').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('undone');
    expect(await siteCount(page)).toBe(before);
    expect(await taggedSites(page)).toEqual([]);
    await expect
      .poll(() => recent.getByTestId(`import-recent-${secondJob}`).getAttribute('data-status'))
      .toBe('undone');
    expect(await page.getByTestId(`import-recent-undo-${secondJob}`).count()).toBe(0);

    expect(foreign).toEqual([]);
  });

  it.skipIf(spawnSync('ogr2ogr', ['--version']).status !== 0)(
    'imports a CGCS2000 Gauss-Kruger Shapefile written by GDAL: the preview names the system, the sites land where they belong',
    async () => {
      const { page, foreign } = app;
      const tag = `${TAG}-gk`;
      const dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-e2e-gk-'));
      let body: Buffer;
      try {
        const source = path.join(dir, 'sites.geojson');
        await writeFile(
          source,
          JSON.stringify({
            type: 'FeatureCollection',
            features: INSIDE.map(([lon, lat], i) => ({
              type: 'Feature',
              properties: { 名称: `${tag}-${i + 1}`, 类型: 'S01' },
              geometry: { type: 'Point', coordinates: [lon, lat] },
            })),
          }),
        );
        const out = path.join(dir, 'gk');
        execFileSync('ogr2ogr', [
          '-f',
          'ESRI Shapefile',
          '-t_srs',
          'EPSG:4547',
          '-lco',
          'ENCODING=UTF-8',
          out,
          source,
          '-nln',
          'sites',
        ]);
        body = zip(
          await Promise.all(
            (await readdir(out)).map(async (name) => ({ name, data: await readFile(path.join(out, name)) })),
          ),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      await page.goto(`${app.server.url}/import`);
      await page.getByTestId('import-page').waitFor();
      await page.getByTestId('import-layer').selectOption('sites');
      await page
        .getByTestId('import-file')
        .setInputFiles({ name: '测绘局网格点.zip', mimeType: 'application/zip', buffer: body });
      await page.getByTestId('import-upload').click();
      await page.getByTestId('import-preview').waitFor({ timeout: 60_000 });
      const detected = page.getByTestId('import-crs-detected');
      expect(await detected.getAttribute('data-crs')).toBe('EPSG:4547');
      expect(await detected.textContent()).toContain('CGCS2000 / 3-degree Gauss-Kruger CM 114E');
      expect(await page.getByTestId('import-crs').inputValue()).toBe('EPSG:4547');
      // the first positions, converted in the page, are the source's
      const positions = page.getByTestId('import-crs-positions');
      await positions.waitFor();
      const shown = (await positions.textContent())!.match(/\d+\.\d+, \d+\.\d+/g)!;
      expect(shown[0]).toBe(`${INSIDE[0]![0].toFixed(6)}, ${INSIDE[0]![1].toFixed(6)}`);
      await page.screenshot({ path: path.join(SHOTS, 'import-gk-preview.png'), fullPage: true });
      await page.getByTestId('import-run').click();
      expect(await finalStatus(page)).toBe('applied');
      expect(await page.getByTestId('import-inserted').textContent()).toBe('4');
      // where the map draws them from: within a centimetre of the source
      const stored = await page.evaluate(async (prefix) => {
        const r = await fetch('/api/layers/sites/features?bbox=113.7,22.95,113.8,23.05&limit=20000');
        const fc = (await r.json()) as {
          features: Array<{ properties: { name?: string }; geometry: { coordinates: [number, number] } }>;
        };
        return fc.features
          .filter((f) => (f.properties.name ?? '').startsWith(prefix))
          .map((f) => [f.properties.name!, ...f.geometry.coordinates] as [string, number, number])
          .sort();
      }, tag);
      expect(stored).toHaveLength(4);
      stored.forEach(([name, lon, lat], i) => {
        expect(name).toBe(`${tag}-${i + 1}`);
        expect(Math.abs(lon - INSIDE[i]![0]) * 102_400).toBeLessThan(0.01);
        expect(Math.abs(lat - INSIDE[i]![1]) * 110_800).toBeLessThan(0.01);
      });
      page.once('dialog', (d) => void d.accept().catch(() => {}));
      await page.getByTestId('import-undo').click();
      await expect
        .poll(() => page.getByTestId('import-result').getAttribute('data-status'), { timeout: 60_000 })
        .toBe('undone');
      expect(foreign).toEqual([]);
    },
  );

  it('offers no import to a commander, who may not edit map data', async () => {
    const other = await app.openPage({ user: 'commander' });
    try {
      await other.page.getByTestId('dispatch-link').waitFor();
      expect(await other.page.getByTestId('import-link').count()).toBe(0);
      await other.page.goto(`${app.server.url}/import`);
      await other.page.getByTestId('import-forbidden').waitFor();
      expect(await other.page.getByTestId('import-file').count()).toBe(0);
    } finally {
      await other.close();
    }
  });
});
