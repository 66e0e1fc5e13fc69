// The API's error shape (DESIGN §6): `{"error": {"code", "message"}}` with a fitting status.
import type { FastifyReply } from 'fastify';

/** An error with its HTTP status and machine-readable code; the server's error handler sends it. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}
