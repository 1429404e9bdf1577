/**
 * GeoReport v2's XML form: the same documents as its JSON, as elements. A list is a root
 * element with one child element per item (`<services><service>…`), each field a child
 * element of the item; null or absent fields are empty elements, booleans and numbers
 * their JSON text. Only the characters XML reserves are escaped; the text stays UTF-8.
 */
export type XmlValue = string | number | boolean | null | undefined;

/** Escapes text for an XML element or attribute (&, <, >, " and '), and drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: XmlValue): string {
  if (value === null || value === undefined || value === '') return `<${name}/>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function fields(r: Record<string, XmlValue>): string {
  return Object.entries(r)
    .map(([k, v]) => element(k, v))
    .join('');
}

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

/** A GeoReport v2 XML list: `<root><item>fields…</item>…</root>`. */
export function open311Xml(
  root: string,
  item: string,
  rows: ReadonlyArray<Record<string, XmlValue>>,
): string {
  return `${DECLARATION}<${root}>${rows.map((r) => `<${item}>${fields(r)}</${item}>`).join('')}</${root}>\n`;
}

/** A GeoReport v2 XML document of one element: `<root>fields…</root>`. */
export function open311XmlDocument(root: string, r: Record<string, XmlValue>): string {
  return `${DECLARATION}<${root}>${fields(r)}</${root}>\n`;
}

/** The GeoReport v2 error list as XML. */
export function open311ErrorXml(errors: ReadonlyArray<{ code: number; description: string }>): string {
  return open311Xml('errors', 'error', errors);
}

/** True when an Open311 URL asks for XML (`….xml`, before any query string). */
export function wantsOpen311Xml(url: string): boolean {
  return /\.xml$/.test(url.split('?')[0]!);
}

/** A value of a nested GeoReport v2 document: scalars, objects of fields, lists. */
export type XmlTree = XmlValue | XmlTree[] | { [name: string]: XmlTree };

function treeElement(name: string, value: XmlTree): string {
  if (Array.isArray(value)) {
    // a list is named in the plural, its items in the singular (endpoints/endpoint, formats/format)
    const item = name.endsWith('s') ? name.slice(0, -1) : name;
    return `<${name}>${value.map((v) => treeElement(item, v)).join('')}</${name}>`;
  }
  if (value !== null && typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => treeElement(k, v))
      .join('')}</${name}>`;
  }
  return element(name, value);
}

/** A nested GeoReport v2 XML document (service discovery): objects as elements, lists of singulars. */
export function open311XmlTree(root: string, value: { [name: string]: XmlTree }): string {
  return `${DECLARATION}${treeElement(root, value)}\n`;
}
