/** Largest photo accepted with a report, in bytes. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const MAX_PHOTOS = 6;

const SIGNATURES: Array<{ type: string; test: (b: Buffer) => boolean }> = [
  { type: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'image/png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    type: 'image/webp',
    test: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

export interface Photo {
  contentType: string;
  bytes: Buffer;
}

/**
 * Decodes and checks the photos of a report: base64 data, at most MAX_PHOTOS, each at
 * most MAX_PHOTO_BYTES, and really a JPEG, PNG or WebP (by its first bytes, whatever the
 * declared type says). Returns the photos or the problem with the n-th one.
 */
export function checkPhotos(
  list: ReadonlyArray<{ contentType: string; data: string }>,
): { photos: Photo[] } | { error: string } {
  if (list.length > MAX_PHOTOS) return { error: `at most ${MAX_PHOTOS} photos, got ${list.length}` };
  const photos: Photo[] = [];
  for (const [i, p] of list.entries()) {
    const where = `photos/${i}`;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(p.data)) return { error: `${where}: data is not base64` };
    const bytes = Buffer.from(p.data, 'base64');
    if (bytes.length === 0) return { error: `${where}: empty` };
    if (bytes.length > MAX_PHOTO_BYTES)
      return { error: `${where}: ${bytes.length} bytes, more than ${MAX_PHOTO_BYTES}` };
    const sig = SIGNATURES.find((s) => s.test(bytes));
    if (!sig) return { error: `${where}: not a JPEG, PNG or WebP image` };
    if (sig.type !== p.contentType)
      return { error: `${where}: declared ${p.contentType} but the data is ${sig.type}` };
    photos.push({ contentType: sig.type, bytes });
  }
  return { photos };
}
