/**
 * Group commit: callers submit one item each; items that arrive while a batch is being
 * written wait and go together in the next one. An idle system writes a lone item at once
 * (no timer, so no added latency), a busy one writes many items per statement and per
 * commit, which is what lets intake keep up with bursts: one round trip, one commit and
 * one run of the statement-level triggers for the whole batch instead of one per item.
 */
export interface GroupCommitOptions {
  /** Largest batch handed to `run` (items beyond it wait for the next batch). */
  maxBatch: number;
  /** Batches in flight at once (1 on a single-connection engine). */
  concurrency: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Makes a submit function over `run`, which receives a batch and answers with one
 * outcome per item, in order: a value, or an Error for that item alone. When `run`
 * itself throws, every item of the batch gets that error.
 */
export function groupCommit<I, O>(
  run: (items: I[]) => Promise<Array<O | Error>>,
  options: GroupCommitOptions,
): (item: I) => Promise<O> {
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;

  const pump = (): void => {
    while (inFlight < options.concurrency && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      run(batch.map((p) => p.item))
        .then(
          (outcomes) => {
            batch.forEach((p, i) => {
              const o = outcomes[i];
              if (o instanceof Error) p.reject(o);
              else if (o === undefined) p.reject(new Error('group commit: no outcome for an item'));
              else p.resolve(o);
            });
          },
          (err: unknown) => batch.forEach((p) => p.reject(err)),
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
}
