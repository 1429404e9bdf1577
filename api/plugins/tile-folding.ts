import fp from 'fastify-plugin';
import { foldTileCells } from '../db/tile-repository.ts';
import { startTileCellFolding } from '../lib/tile-cell-folding.ts';

/**
 * Report counts reach tile_cells through deltas (migrations/0017): this process folds the
 * pending ones every second, from start until the app closes (before the database does).
 */
export const tileFoldingPlugin = fp(
  async (app) => {
    const folding = startTileCellFolding(
      (maxRows) => foldTileCells(app.db, maxRows),
      (err) => app.log.warn({ err }, 'tile-cell fold failed'),
    );
    app.addHook('onClose', () => folding.stop());
  },
  { name: 'tile-folding', dependencies: ['database'] },
);
