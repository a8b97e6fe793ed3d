/**
 * Structured JSON request logs: request id, method, path, status, duration, key name and
 * record id. Headers and bodies are never logged, so keys and file contents cannot leak.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

type Locals = { locals?: Record<string, unknown> };

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: String(req.url).split('?')[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      // Messages only: stacks help nobody reading a 501/503 line and can be long.
      err: (err: Error) => ({ type: err.name, message: String(err.message).slice(0, 300) }),
    },
    customProps(_req: IncomingMessage, res: ServerResponse) {
      const l = (res as ServerResponse & Locals).locals ?? {};
      return { key: l.keyName, recordId: l.recordId, code: l.errorCode };
    },
    customLogLevel(_req: IncomingMessage, res: ServerResponse, err?: Error) {
      if (err || res.statusCode >= 500) return 'error';
      return 'info';
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/healthz' || req.url === '/metrics' },
  });
}
