/**
 * The bundled Chinese font: Noto Sans SC (SIL Open Font License 1.1, from @fontsource), regular
 * weight. Its CSS declares about a hundred files, each for a slice of Unicode (`unicode-range`),
 * so the browser downloads only the slices a page draws, from this server. The UI names it in its
 * font stack (web/styles.css) after the usual system CJK fonts, so a machine without any (a
 * freshly installed Debian kiosk) still draws Chinese; the map labels draw with the same files
 * (bundledFontFaces, for MapLibre's `font-faces`).
 */
import '@fontsource/noto-sans-sc/400.css';

/** The CSS family of the bundled font. */
export const BUNDLED_FONT_FAMILY = 'Noto Sans SC';

/** The font name the map's symbol layers use (`text-font`); `font-faces` maps it to the files. */
export const MAP_FONT = 'Noto Sans SC Regular';

/** Font files with the Unicode ranges they serve, as MapLibre's `font-faces` lists them. */
export type FontFaceList = { url: string; 'unicode-range'?: string[] }[];

/** The first woff2 URL of a `src` descriptor, made absolute against the style sheet. */
function woff2Url(src: string, base: string): string | null {
  for (const m of src.matchAll(/url\(\s*(["']?)([^"')]+)\1\s*\)\s*format\(\s*["']?woff2/g)) {
    const url = m[2];
    if (url) return new URL(url, base).href;
  }
  return null;
}

/**
 * The regular-weight files of the bundled font with their Unicode ranges, read from the style
 * sheets the page has loaded (so the URLs are the ones the build emitted, and nothing is listed
 * twice). MapLibre downloads a file only when a label needs one of its characters.
 */
export function bundledFontFaces(doc: Document = document): FontFaceList {
  const faces: FontFaceList = [];
  for (const sheet of Array.from(doc.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue; // a sheet of another origin cannot be read (and holds no font of ours)
    }
    for (const rule of Array.from(rules)) {
      if (!(rule instanceof CSSFontFaceRule)) continue;
      const style = rule.style;
      const family = style.getPropertyValue('font-family').replace(/["']/g, '').trim();
      const weight = style.getPropertyValue('font-weight').trim();
      if (family !== BUNDLED_FONT_FAMILY || (weight !== '400' && weight !== 'normal')) continue;
      const url = woff2Url(style.getPropertyValue('src'), sheet.href ?? doc.baseURI);
      const ranges = style
        .getPropertyValue('unicode-range')
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r.length > 0);
      if (url) faces.push(ranges.length > 0 ? { url, 'unicode-range': ranges } : { url });
    }
  }
  return faces;
}
