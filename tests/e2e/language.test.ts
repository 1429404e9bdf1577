import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './harness.ts';

/**
 * Latin words the Chinese interface may show: the product's name, units, formats and
 * interfaces known by their Latin names, and the code of a server refusal.
 */
const ALLOWED_WORDS = new Set(
  [
    'riskmap',
    // the language switch names the other language in its own words
    'English',
    'km',
    'min',
    'API',
    'HTTP',
    'JSON',
    'GeoJSON',
    'CSV',
    'XLSX',
    'KML',
    'GPKG',
    'GeoPackage',
    'Shapefile',
    'SHP',
    'ZIP',
    'KMZ',
    'UTF',
    'GBK',
    'dbf',
    'prj',
    'DXF',
    'OGC',
    'WGS',
    'CGCS',
    'GCJ',
    'Open311',
    'OpenStreetMap',
    'OSM',
    'MVT',
    'PNG',
    'IP',
    'ID',
  ].map((w) => w.toLowerCase()),
);

/** A timestamp in ISO 8601 form, as the API sends it ("2026-12-04T06:30:00Z", "…T06:30:00.000+00:00"). */
const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/;

/**
 * Text the user sees: visible text nodes, and the placeholders and values of visible fields.
 * Left out: names marked as not to be translated (user names, `translate="no"`) and the map's
 * attribution of its data sources, which their licences name as they are.
 */
function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const shown = (el: Element) =>
      el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
      el.getBoundingClientRect().width > 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const parent = n.parentElement;
      if (!text || !parent || parent.closest('script, style, noscript')) continue;
      if (parent.closest('[translate="no"], .maplibregl-ctrl-attrib')) continue;
      if (parent.closest('select') && !(parent instanceof HTMLOptionElement && parent.selected)) continue;
      if (!shown(parent.closest('select') ?? parent)) continue;
      // where it is, to find it by: the nearest element with a test id, or a class
      const near = parent.closest('[data-testid]');
      const where = near ? `[${near.getAttribute('data-testid')}]` : `.${parent.className}`;
      out.push(`${text}\u0000${where}`);
    }
    for (const field of document.querySelectorAll('input, textarea')) {
      if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) || !shown(field))
        continue;
      const where = `\u0000[${field.getAttribute('data-testid') ?? field.name}]`;
      if (field.placeholder) out.push(field.placeholder + where);
      if (['text', 'search', ''].includes(field.type) || field instanceof HTMLTextAreaElement) {
        if (field.value) out.push(field.value + where);
      }
    }
    return out;
  });
}

/** The Latin words of the page's visible text not on the allow-list, each with its text. */
async function foreignWords(page: Page): Promise<string[]> {
  const found = new Set<string>();
  for (const entry of await visibleTexts(page)) {
    const [text = '', where = ''] = entry.split('\u0000');
    for (const word of text.match(/[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9]|[A-Za-z]{2,}/g) ?? []) {
      // codes of numbered things ("G2", "441900110") and single letters are not words
      if (!/[A-Za-z]{2}/.test(word)) continue;
      if (!ALLOWED_WORDS.has(word.toLowerCase())) found.add(`${word} ← “${text.slice(0, 80)}” in ${where}`);
    }
  }
  return [...found];
}

async function isoTimestamps(page: Page): Promise<string[]> {
  return (await visibleTexts(page))
    .filter((t) => ISO_TIMESTAMP.test(t))
    .map((t) => t.replace('\u0000', ' in '));
}

/** Elements under `selector` whose content is wider than their box. */
function overflowing(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    for (const root of document.querySelectorAll(selector)) {
      for (const el of [root, ...root.querySelectorAll('*')]) {
        if (!(el instanceof HTMLElement) || el.clientWidth === 0) continue;
        if (el.scrollWidth > el.clientWidth + 1) {
          const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
          out.push(
            `${name} “${(el.textContent ?? '').trim().slice(0, 40)}” ${el.scrollWidth} > ${el.clientWidth}`,
          );
        }
      }
      // and the root itself within the window
      const box = root.getBoundingClientRect();
      if (box.right > window.innerWidth + 1)
        out.push(`${selector} ends at ${box.right} > ${window.innerWidth}`);
    }
    return out;
  }, selector);
}

/**
 * Waits until the page has shown what marks it loaded, and then a moment for the rest of its
 * data (the live stream keeps a request open, so the network never falls idle).
 */
async function settle(page: Page, ready: string): Promise<void> {
  await page.locator(ready).first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1500);
}

/** The pages of the app, each with what shows it has loaded. */
const PAGES: { path: string; ready: string }[] = [
  { path: '/', ready: '[data-testid="layer-panel"], .layer-panel' },
  { path: '/incidents', ready: '[data-testid="incident-row"]' },
  { path: '/dispatch', ready: 'main' },
  { path: '/teams', ready: '[data-testid="team-row"]' },
  { path: '/screen', ready: '[data-testid="panel-towns"]' },
  { path: '/report', ready: 'form' },
  { path: '/import', ready: 'main' },
  { path: '/admin', ready: '[data-testid="admin-page"] tbody tr' },
  { path: '/admin?tab=keys', ready: '[data-testid="admin-page"]' },
  { path: '/admin?tab=audit', ready: '[data-testid="audit-row"]' },
];

describe('the interface speaks one language: Chinese throughout, English that fits', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows no English words and no ISO timestamps on any page in Chinese', async () => {
    const opened = await app.openPage({ user: 'admin' });
    const { page } = opened;
    const problems: Record<string, string[]> = {};
    const check = async (name: string) => {
      const words = await foreignWords(page);
      const stamps = await isoTimestamps(page);
      if (words.length + stamps.length > 0) problems[name] = [...words, ...stamps];
    };
    for (const { path, ready } of PAGES) {
      await page.goto(`${app.server.url}${path}`);
      await settle(page, ready);
      await check(path);
    }
    // an incident's detail, with its timeline
    await page.goto(`${app.server.url}/incidents`);
    await settle(page, '[data-testid="incident-row"]');
    await page.getByTestId('incident-row').first().click();
    await settle(page, '[data-testid="incident-detail"]');
    await check('/incidents (detail)');
    // the screen's playback panel
    await page.goto(`${app.server.url}/screen`);
    await settle(page, '[data-testid="panel-towns"]');
    // the button sits under the map's overlays: a click event, not a pointer at a place
    await page.getByTestId('screen-mode').dispatchEvent('click');
    await settle(page, '[data-testid="playback"]');
    await check('/screen (playback)');
    // signed out: the sign-in page
    await page.goto(`${app.server.url}/incidents`);
    await settle(page, '[data-testid="logout"]');
    await page.getByTestId('logout').click();
    await settle(page, '[data-testid="login-page"]');
    await check('sign-in');
    expect(problems).toEqual({});
    expect(opened.foreign).toEqual([]);
    await opened.close();
  }, 600_000);

  it('shows dates in the interface language and in China time whatever the browser says', async () => {
    // a browser in New York with an American locale
    const opened = await app.openPage({
      user: 'admin',
      path: '/admin?tab=audit',
      context: { locale: 'en-US', timezoneId: 'America/New_York' },
    });
    const { page } = opened;
    await settle(page, '[data-testid="audit-row"]');
    // the sign-in just now, on China's clock
    const shown = (await page.getByTestId('audit-row').first().locator('td').first().textContent()) ?? '';
    const china = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(shown).toMatch(new RegExp(`^${china} \\d{2}:\\d{2}$`));
    // the date fields take and show 2026-12-04 14:30, not 12/04/2026 02:30 PM
    const from = page.getByTestId('audit-from');
    expect(await from.evaluate((el) => (el as HTMLInputElement).type)).toBe('text');
    await from.fill('2026-12-04 14:30');
    expect(await from.inputValue()).toBe('2026-12-04 14:30');
    // the picker names the months and weekdays in Chinese
    await page.getByTestId('audit-from-picker').click();
    const picker = page.getByTestId('audit-from-calendar');
    await picker.waitFor();
    expect(await picker.textContent()).toContain('2026年12月');
    expect(await picker.textContent()).not.toMatch(/[A-Za-z]{3}/);
    await picker.getByRole('button', { name: '2026-12-18' }).click();
    expect(await from.inputValue()).toBe('2026-12-18 14:30');
    await opened.close();
  }, 300_000);

  it('fits the English header at 1280 px and the English screen at 1920 × 1080', async () => {
    const opened = await app.openPage({ user: 'admin' });
    const { page } = opened;
    await page.evaluate(() => window.localStorage.setItem('riskmap.language', 'en'));
    await page.setViewportSize({ width: 1280, height: 800 });
    const problems: Record<string, string[]> = {};
    for (const { path, ready } of PAGES.filter((p) => p.path !== '/screen' && p.path !== '/report')) {
      await page.goto(`${app.server.url}${path}`);
      await settle(page, ready);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      const over = await overflowing(page, '.app-header');
      if (over.length > 0) problems[path] = over;
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${app.server.url}/screen`);
    await settle(page, '[data-testid="panel-towns"]');
    const screen = await overflowing(
      page,
      '.screen-header, .screen-kpis, .screen-panel h2, .screen-panel-note, .screen-view',
    );
    if (screen.length > 0) problems['/screen'] = screen;
    expect(problems).toEqual({});
    await opened.close();
  }, 600_000);
});
