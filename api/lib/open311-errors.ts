import type { FastifyReply } from 'fastify';
import { open311ErrorXml, wantsOpen311Xml } from './open311-xml.ts';

/** Answers with GeoReport v2's error list, as XML when the URL asked for XML, else JSON. */
export function sendOpen311Errors(reply: FastifyReply, status: number, description: string) {
  const errors = [{ code: status, description }];
  if (wantsOpen311Xml(reply.request.url)) {
    return reply.code(status).type('application/xml; charset=utf-8').send(open311ErrorXml(errors));
  }
  return reply.code(status).send(errors);
}
