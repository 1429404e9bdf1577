import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { byteLimit } from '../../api/lib/byte-limit.ts';

async function pass(chunks: string[], max: number): Promise<string> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks.map((c) => Buffer.from(c))),
    byteLimit(max, () => new Error(`over ${max}`)),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out).toString();
}

describe('byteLimit', () => {
  it('passes a stream of at most the limit through unchanged', async () => {
    expect(await pass(['abc', 'def'], 6)).toBe('abcdef');
    expect(await pass([], 0)).toBe('');
  });

  it('fails the pipeline with its error as soon as the limit is passed', async () => {
    await expect(pass(['abc', 'def', 'g'], 6)).rejects.toThrow('over 6');
    await expect(pass(['abcdefg'], 6)).rejects.toThrow('over 6');
  });
});
