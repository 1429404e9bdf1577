import fp from 'fastify-plugin';
import { liveEventLog } from '../db/live-repository.ts';
import { LiveHub } from '../lib/live-hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's fan-out of the live event log (the /api/live stream, the screen summary). */
    live: LiveHub;
  }
}

/**
 * The live hub of this process: it starts listening once the app is ready (every route is
 * there to serve its clients) and stops when the app closes, before the database does.
 */
export const liveHubPlugin = fp(
  async (app) => {
    const hub = new LiveHub(liveEventLog(app.db), { maxReplay: app.config.liveMaxReplay });
    app.decorate('live', hub);
    app.addHook('onReady', () => hub.start());
    app.addHook('onClose', () => hub.stop());
  },
  { name: 'live-hub', dependencies: ['database'] },
);
