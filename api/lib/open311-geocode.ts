/**
 * Where a GeoReport v2 `address_string` points, for a request sent without lat/long: a key site
 * whose name or address is the address, else the most specific village, community or grid whose
 * name the address contains (`东莞市常平镇常平社区中心路口` → 常平社区). Pure: the caller reads
 * the candidates (key sites found by the address, the current areas) and gets a place, or why
 * there is none.
 */

export interface SiteCandidate {
  id: number;
  name: string;
  address: string | null;
  lon: number;
  lat: number;
}

export interface AreaCandidate {
  code: string;
  name: string;
  level: 'city' | 'town' | 'village' | 'grid';
  lon: number | null;
  lat: number | null;
}

export type GeocodeResult =
  | { kind: 'site'; siteId: number; label: string; lon: number; lat: number }
  | { kind: 'area'; code: string; label: string; lon: number; lat: number }
  /** Nothing names a place finer than a town. */
  | { kind: 'none'; town: string | null }
  /** Several places fit equally well (their labels, for the caller to choose among). */
  | { kind: 'ambiguous'; labels: string[] };

/** Text as people type it: full-width forms folded (NFKC), spaces dropped, Latin letters in lower case. */
export function normaliseAddress(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

const DEPTH = { city: 0, town: 1, village: 2, grid: 3 } as const;
/** Town part of an area code (9 digits), for telling namesakes in different towns apart. */
const townOf = (code: string) => code.slice(0, 9);

export function geocodeAddress(
  address: string,
  sites: readonly SiteCandidate[],
  areas: readonly AreaCandidate[],
): GeocodeResult {
  const text = normaliseAddress(address);
  if (text.length === 0) return { kind: 'none', town: null };

  // a key site named exactly, or at exactly this address
  const exact = sites.filter(
    (s) => normaliseAddress(s.name) === text || (s.address !== null && normaliseAddress(s.address) === text),
  );
  if (exact.length === 1) {
    const s = exact[0]!;
    return { kind: 'site', siteId: s.id, label: s.name, lon: s.lon, lat: s.lat };
  }
  if (exact.length > 1) return { kind: 'ambiguous', labels: exact.map((s) => s.name) };

  // the areas named in the address (names of one character say nothing)
  const named = areas.filter(
    (a) => a.lon !== null && a.lat !== null && a.name.length >= 2 && text.includes(normaliseAddress(a.name)),
  );
  const towns = new Set(named.filter((a) => a.level === 'town').map((a) => a.code));
  // a village named together with another town is a namesake elsewhere
  const consistent = named.filter((a) => towns.size === 0 || a.level === 'city' || towns.has(townOf(a.code)));
  const fine = consistent.filter((a) => a.level === 'village' || a.level === 'grid');
  if (fine.length === 0) {
    const town = named.find((a) => a.level === 'town');
    return { kind: 'none', town: town ? town.name : null };
  }
  const deepest = Math.max(...fine.map((a) => DEPTH[a.level]));
  let best = fine.filter((a) => DEPTH[a.level] === deepest);
  // of nested names (常平社区 in 常平社区第1网格) the longest says the most
  const longest = Math.max(...best.map((a) => a.name.length));
  best = best.filter((a) => a.name.length === longest);
  if (best.length > 1) {
    const townName = (code: string) => areas.find((a) => a.code === townOf(code))?.name ?? townOf(code);
    return { kind: 'ambiguous', labels: best.map((a) => `${townName(a.code)} ${a.name}`) };
  }
  const a = best[0]!;
  return { kind: 'area', code: a.code, label: a.name, lon: a.lon!, lat: a.lat! };
}
