export interface TileCellFolding {
  /** Stops folding; resolves once a fold in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Folds pending tile-count changes into tile_cells (migrations/0017) every `intervalMs`
 * (milliseconds), a batch after another while a batch comes back full, one run at a time.
 * `fold(maxRows)` folds one batch and says how many changes it moved (foldTileCells of
 * api/db/tile-repository.ts). A failed fold is reported through `onError` and tried again at
 * the next tick: nothing is lost, the changes stay pending (and counted by tile reads) until
 * a fold succeeds.
 */
export function startTileCellFolding(
  fold: (maxRows: number) => Promise<number>,
  onError: (err: unknown) => void,
  intervalMs = 1000,
  maxRows = 20_000,
): TileCellFolding {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    while (!stopped && (await fold(maxRows)) >= maxRows) {
      // a full batch: more are pending
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = run()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
