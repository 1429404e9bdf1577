import websocket from '@fastify/websocket';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MAX_ID } from '../../schemas/common.ts';

/**
 * `/api/live`: every change to incidents, dispatches, teams, risk sources and areas in
 * my area, as it commits, over a WebSocket; `?since=<seq>` resumes after the last event
 * received without a gap or a duplicate (or says to reload when too far behind). The hub
 * that feeds it (`app.live`) is started by api/plugins/live-hub.ts.
 */
export const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(websocket, { options: { maxPayload: 4096 } });
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
              Type.Integer({
                minimum: 0,
                maximum: MAX_ID,
                description: 'resume after this sequence number',
              }),
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
      void app.live
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
};
