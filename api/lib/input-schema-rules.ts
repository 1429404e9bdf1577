/**
 * Rules every route's input schema (path, query string, body) must follow, checked when the
 * route is registered so that a new route cannot forget them:
 * - integers and numbers have a minimum and a maximum: a 20-digit id or `1e309` is refused
 *   with the parameter named instead of overflowing a bigint column (500);
 * - strings are bounded (maxLength, or an enum/const, or an anchored pattern without
 *   unbounded repetition): a 1 MB string is refused before it reaches the database;
 * - arrays have maxItems.
 * Pure: takes a JSON schema, returns what is missing where.
 */

type JsonSchema = Record<string, unknown>;

const UNBOUNDED_REPEAT = /[*+]|\{\d+,\}/;

function isBoundedPattern(pattern: unknown): boolean {
  if (typeof pattern !== 'string') return false;
  if (!pattern.startsWith('^') || !pattern.endsWith('$')) return false;
  // strip escaped characters and character classes' contents before looking for repetition
  const bare = pattern.replace(/\\./g, 'x').replace(/\[[^\]]*\]/g, 'x');
  return !UNBOUNDED_REPEAT.test(bare);
}

function types(s: JsonSchema): string[] {
  const t = s.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
}

/** What the schema at `where` lacks; empty when it follows the rules. */
export function inputSchemaProblems(schema: unknown, where: string): string[] {
  const out: string[] = [];
  walk(schema, where, out);
  return out;
}

function walk(node: unknown, where: string, out: string[]): void {
  if (typeof node !== 'object' || node === null) return;
  const s = node as JsonSchema;
  if ('const' in s || Array.isArray(s.enum)) return;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((sub, i) => walk(sub, `${where}(${key}[${i}])`, out));
  }
  const ts = types(s);
  for (const t of ts) {
    if (t === 'integer' || t === 'number') {
      const hasMin = typeof s.minimum === 'number' || typeof s.exclusiveMinimum === 'number';
      const hasMax = typeof s.maximum === 'number' || typeof s.exclusiveMaximum === 'number';
      if (!hasMin || !hasMax) out.push(`${where}: ${t} without ${hasMin ? 'maximum' : 'minimum'}`);
    } else if (t === 'string') {
      const bounded =
        typeof s.maxLength === 'number' ||
        isBoundedPattern(s.pattern) ||
        s.format === 'date-time' ||
        s.format === 'date';
      if (!bounded) out.push(`${where}: string without maxLength`);
    } else if (t === 'array') {
      if (typeof s.maxItems !== 'number') out.push(`${where}: array without maxItems`);
      if (s.items !== undefined) {
        if (Array.isArray(s.items)) s.items.forEach((sub, i) => walk(sub, `${where}[${i}]`, out));
        else walk(s.items, `${where}[]`, out);
      }
      if (Array.isArray(s.prefixItems)) s.prefixItems.forEach((sub, i) => walk(sub, `${where}[${i}]`, out));
    } else if (t === 'object') {
      const props = s.properties;
      if (props && typeof props === 'object') {
        for (const [k, sub] of Object.entries(props as Record<string, unknown>))
          walk(sub, `${where}/${k}`, out);
      }
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}/*`, out);
      if (s.patternProperties && typeof s.patternProperties === 'object') {
        for (const sub of Object.values(s.patternProperties as Record<string, unknown>))
          walk(sub, `${where}/*`, out);
      }
    }
  }
}

/**
 * The first string in a parsed request part that holds a NUL character (U+0000, which
 * PostgreSQL text cannot store), as a path like `body/description` or `body/items/2`; keys
 * count too. Null when there is none.
 */
export function findNulString(value: unknown, where: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? where : null;
  if (typeof value !== 'object' || value === null || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNulString(value[i], `${where}/${i}`, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  // only parsed JSON, query and form values: a streamed upload (an EventEmitter whose
  // properties reach the whole socket) or a buffer is not walked
  if (
    Buffer.isBuffer(value) ||
    ArrayBuffer.isView(value) ||
    typeof (value as { on?: unknown }).on === 'function'
  ) {
    return null;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes('\u0000')) return `${where}/${k.split('\u0000').join('\\u0000')}`;
    const hit = findNulString(v, `${where}/${k}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}
