import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './harness.ts';

/**
 * axe-core (the accessibility engine browsers' audit tools use) on every page, in both
 * languages: no serious or critical violation. The figures per page are printed.
 */

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe in the page (its source is evaluated through the debugger, which the CSP does not govern). */
async function audit(page: Page): Promise<Violation[]> {
  await page.evaluate(await AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Violation[] }> } }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })),
    }));
  });
  return result;
}

/** The pages, who sees them and what marks them as loaded. */
const PAGES: Array<{ name: string; path: string; user: string | null; ready: string }> = [
  { name: 'login', path: '/', user: null, ready: '[data-testid="login-username"]' },
  { name: 'report', path: '/report', user: null, ready: '[data-testid="report-page"]' },
  { name: 'track', path: '/report/track', user: null, ready: '[data-testid="track-page"]' },
  { name: 'map', path: '/', user: 'commander', ready: '[data-testid="map"]' },
  { name: 'incidents', path: '/incidents', user: 'dispatcher-cp', ready: 'main' },
  { name: 'dispatch', path: '/dispatch', user: 'commander', ready: 'main' },
  { name: 'teams', path: '/teams', user: 'commander', ready: 'main' },
  { name: 'screen', path: '/screen', user: 'commander', ready: 'main' },
  { name: 'grids', path: '/grids', user: 'changping', ready: 'main' },
  { name: 'import', path: '/import', user: 'changping', ready: 'main' },
  { name: 'admin', path: '/admin', user: 'admin', ready: 'main' },
];

describe('accessibility: axe-core on every page, zh-CN and en', () => {
  let app: App;
  const figures: string[] = [];
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    console.log(`axe-core, serious or critical violations per page:\n${figures.join('\n')}`);
    await app?.close();
  });

  it.each(PAGES.map((p) => [p.name, p] as const))('%s', async (_name, p) => {
    const opened = await app.openPage({ user: p.user, path: p.path });
    try {
      const { page } = opened;
      for (const language of ['zh-CN', 'en'] as const) {
        await page.evaluate((l) => localStorage.setItem('riskmap.language', l), language);
        await page.reload();
        await page.waitForSelector(p.ready, { timeout: 60_000 });
        await page.waitForFunction((l) => document.documentElement.lang === l, language);
        // let the page settle: data arrives after the shell
        await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
        const violations = (await audit(page)).filter(
          (v) => v.impact === 'serious' || v.impact === 'critical',
        );
        figures.push(
          `  ${p.name} (${language}): ${violations.length}${violations.length ? ` — ${violations.map((v) => `${v.id} ×${v.nodes.length}`).join(', ')}` : ''}`,
        );
        expect(violations, `${p.name} ${language}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
      }
    } finally {
      await opened.close();
    }
  });
});
