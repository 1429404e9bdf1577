/**
 * Text encoding decisions for import files. Files from Chinese Windows software (Excel, older
 * GIS tools) are often GBK/GB2312 rather than UTF-8; GB18030 is a superset of both, so every
 * Chinese legacy encoding is decoded as `gb18030` (Node's TextDecoder supports it with full ICU).
 */
import { isUtf8 } from 'node:buffer';

/** The encodings the readers decode. */
export type TextEncodingName = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** How many leading bytes decide a text file's encoding. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Whether `bytes` is valid UTF-8, allowing the last character to be cut off (the bytes are a
 * prefix of a longer text, or a fixed-width DBF field that a writer filled to the byte).
 */
export function isUtf8Prefix(bytes: Uint8Array): boolean {
  if (isUtf8(bytes)) return true;
  const len = bytes.length;
  let k = len - 1;
  // back up over at most three continuation bytes (10xxxxxx) to the lead byte of the last character
  while (k >= 0 && len - k < 4 && (bytes[k]! & 0xc0) === 0x80) k--;
  if (k < 0) return false;
  const lead = bytes[k]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (need === 1 || len - k >= need) return false;
  return isUtf8(bytes.subarray(0, k));
}

/**
 * The encoding of a text file from its first bytes: a UTF-16 or UTF-8 byte order mark wins;
 * otherwise UTF-8 when the first 64 KB are valid UTF-8, else GB18030.
 */
export function sniffEncoding(head: Uint8Array): TextEncodingName {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  return isUtf8Prefix(head.subarray(0, SNIFF_BYTES)) ? 'utf-8' : 'gb18030';
}

/**
 * The encoding a label names (a Shapefile .cpg, an XML declaration): UTF-8 variants and the
 * Chinese code pages (GBK, GB2312, 936, CP936, GB18030…); null for anything else.
 */
export function encodingFromLabel(label: string): TextEncodingName | null {
  const l = label
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (l === 'utf-8' || l === 'utf8' || l === '65001' || l === 'cp65001') return 'utf-8';
  if (
    /^(gbk|gb2312|gb-2312|gb18030|gb-18030|936|cp936|cp-936|ms936|windows-936|ansi-936|euc-cn|x-gbk|hz-gb-2312)$/.test(
      l,
    )
  ) {
    return 'gb18030';
  }
  return null;
}

/** The encoding a dBase language driver byte declares: 0x4D (GB2312) and 0x7A (GBK, code page 936) → gb18030. */
export function encodingFromDbfLanguageDriver(byte: number): TextEncodingName | null {
  return byte === 0x4d || byte === 0x7a ? 'gb18030' : null;
}
