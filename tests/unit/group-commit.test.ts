import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../api/lib/group-commit.ts';

/** A run function that records its batches and answers when released. */
function recorder() {
  const batches: number[][] = [];
  const waiting: Array<() => void> = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((r) => waiting.push(r));
    return items.map((i) => (i < 0 ? new Error(`bad ${i}`) : i * 10));
  };
  const releaseAll = async () => {
    while (waiting.length) waiting.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { batches, run, releaseAll };
}

describe('group commit', () => {
  it('writes a lone item at once and gathers those arriving meanwhile into the next batch', async () => {
    const r = recorder();
    const submit = groupCommit(r.run, { maxBatch: 100, concurrency: 1 });
    const first = submit(1);
    const rest = [2, 3, 4].map(submit);
    expect(r.batches).toEqual([[1]]);
    await r.releaseAll();
    expect(await first).toBe(10);
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    await r.releaseAll();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('keeps batches within maxBatch and in-flight batches within concurrency', async () => {
    const r = recorder();
    const submit = groupCommit(r.run, { maxBatch: 2, concurrency: 2 });
    const all = [1, 2, 3, 4, 5, 6, 7].map(submit);
    // two slots: 1 and 2 go at once, each alone; the rest wait
    expect(r.batches).toEqual([[1], [2]]);
    await r.releaseAll();
    expect(r.batches).toEqual([[1], [2], [3, 4], [5, 6]]);
    await r.releaseAll();
    expect(r.batches).toEqual([[1], [2], [3, 4], [5, 6], [7]]);
    await r.releaseAll();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('rejects only the item whose outcome is an error, and the whole batch when run throws', async () => {
    const r = recorder();
    const submit = groupCommit(r.run, { maxBatch: 10, concurrency: 1 });
    const a = submit(1);
    const [b, c] = [submit(-2), submit(3)];
    const bRejected = expect(b).rejects.toThrow('bad -2');
    await r.releaseAll();
    await r.releaseAll();
    expect(await a).toBe(10);
    await bRejected;
    expect(await c).toBe(30);

    const failing = groupCommit<number, number>(
      async () => {
        throw new Error('connection lost');
      },
      { maxBatch: 10, concurrency: 1 },
    );
    await Promise.all([failing(1), failing(2)].map((p) => expect(p).rejects.toThrow('connection lost')));
  });
});
