import { DomainError } from './errors.ts';

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
 * declared type says). Returns the photos; throws a 422 DomainError naming the n-th one
 * (`body/photos/<n>`) and what is wrong with it.
 */
export function checkPhotos(list: ReadonlyArray<{ contentType: string; data: string }>): Photo[] {
  if (list.length > MAX_PHOTOS) {
    throw new DomainError(
      422,
      'photos_too_many',
      `body/photos: at most ${MAX_PHOTOS} photos, got ${list.length}`,
      {
        max: MAX_PHOTOS,
        count: list.length,
      },
    );
  }
  const photos: Photo[] = [];
  for (const [i, p] of list.entries()) {
    const field = `body/photos/${i}`;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(p.data)) {
      throw new DomainError(422, 'photo_not_base64', `${field}: data is not base64`, { field });
    }
    const bytes = Buffer.from(p.data, 'base64');
    if (bytes.length === 0) throw new DomainError(422, 'photo_empty', `${field}: empty`, { field });
    if (bytes.length > MAX_PHOTO_BYTES) {
      throw new DomainError(
        422,
        'photo_too_large',
        `${field}: ${bytes.length} bytes, more than ${MAX_PHOTO_BYTES}`,
        { field, bytes: bytes.length, max: MAX_PHOTO_BYTES },
      );
    }
    const sig = SIGNATURES.find((s) => s.test(bytes));
    if (!sig) {
      throw new DomainError(422, 'photo_not_image', `${field}: not a JPEG, PNG or WebP image`, { field });
    }
    if (sig.type !== p.contentType) {
      throw new DomainError(
        422,
        'photo_type_mismatch',
        `${field}: declared ${p.contentType} but the data is ${sig.type}`,
        { field, declared: p.contentType, actual: sig.type },
      );
    }
    photos.push({ contentType: sig.type, bytes });
  }
  return photos;
}
