import websocket from '@fastify/websocket';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { LiveHub } from '../../lib/live-hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's fan-out of the live event log. */
    live: LiveHub;
  }
}

/**
 * `/api/live`: every change to incidents, dispatches, teams, risk sources and areas in
 * my area, as it commits, over a WebSocket; `?since=<seq>` resumes after the last event
 * received without a gap or a duplicate (or says to reload when too far behind).
 */
export const liveRoutes = fp<Record<never, never>>(
  (async (app) => {
    await app.register(websocket, { options: { maxPayload: 4096 } });
    const hub = new LiveHub(app.db, { maxReplay: app.config.liveMaxReplay });
    app.decorate('live', hub);
    app.addHook('onReady', () => hub.start());
    app.addHook('onClose', () => hub.stop());
    // an upgrade refused (no session, no permission) leaves its socket open after the
    // answer, which would keep the server from closing: end it
    app.addHook('onResponse', async (req, reply) => {
      if (req.headers.upgrade && reply.statusCode >= 400) req.raw.socket?.destroy();
    });

    app.get(
      '/api/live',
      {
        websocket: true,
        config: { access: 'read' },
        schema: {
          summary:
            'live changes in my area (WebSocket): hello, event, tick and snapshot messages with a sequence number',
          tags: ['live'],
          querystring: Type.Object(
            {
              since: Type.Optional(
                Type.Integer({ minimum: 0, description: 'resume after this sequence number' }),
              ),
              api_key: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
        },
      },
      (socket, req) => {
        const scope = app.requireScope(req);
        let unsubscribe: (() => void) | null = null;
        let closed = false;
        socket.on('close', () => {
          closed = true;
          unsubscribe?.();
        });
        // clients only listen: anything they send is ignored
        socket.on('message', () => undefined);
        void hub
          .subscribe(
            {
              scope,
              send: (m) => {
                if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
              },
              buffered: () => socket.bufferedAmount,
              close: (code, reason) => socket.close(code, reason),
            },
            (req.query as { since?: number }).since,
          )
          .then(
            (off) => {
              unsubscribe = off;
              if (closed) off();
            },
            (err: unknown) => {
              req.log.error({ err }, 'live: subscribe failed');
              socket.close(1011, 'could not start the stream');
            },
          );
      },
    );
  }) as FastifyPluginAsyncTypebox,
  // not encapsulated: `app.live` is for the whole app (the screen summary, tests)
  { name: 'live' },
);
