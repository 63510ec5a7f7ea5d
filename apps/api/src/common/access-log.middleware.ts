import type { IncomingMessage, ServerResponse } from 'node:http';

import { Metrics, secondsSince } from '@palisade/observability';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Endpoints served by mounted middleware rather than Express routes (Apollo, Swagger UI's assets). */
const MOUNTED_ENDPOINTS = ['/graphql', '/api/docs'];

/** The route template that served a request (`/api/v1/clusters/:name`), never the raw path; `unmatched` for unknown paths. */
export function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  const requested = req.originalUrl.split('?')[0] ?? '';
  return MOUNTED_ENDPOINTS.find((endpoint) => requested === endpoint || requested.startsWith(`${endpoint}/`)) ?? 'unmatched';
}

function fieldsOf(req: IncomingMessage, res: ServerResponse): Record<string, unknown> {
  const request = req as Request;
  return {
    requestId: request.requestId,
    principal: request.principal?.actor.name ?? null,
    method: request.method,
    route: routeOf(request),
    status: res.statusCode,
  };
}

/**
 * One line per request once its response is sent (4xx and 5xx included): request id, principal,
 * route template, status and duration. Headers and bodies are never logged, so neither tokens nor
 * kubeconfigs can reach the log. Also feeds the HTTP duration histogram.
 */
export function accessLog(logger: Logger, metrics: Metrics): RequestHandler {
  const duration = metrics.histogram({
    name: 'palisade_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, and how long they took',
    labelNames: ['method', 'route', 'status'],
  });
  const log = pinoHttp({
    logger,
    genReqId: (req) => (req as Request).requestId ?? '-',
    quietReqLogger: true,
    customAttributeKeys: { responseTime: 'durationMs' },
    serializers: { req: () => undefined, res: () => undefined },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${routeOf(req as Request)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(req as Request)} ${res.statusCode}`,
    customSuccessObject: (req, res, value: Record<string, unknown>) => ({ ...value, ...fieldsOf(req, res) }),
    customErrorObject: (req, res, _error, value: Record<string, unknown>) => ({ ...value, ...fieldsOf(req, res), err: undefined }),
  });
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => duration.observe({ method: req.method, route: routeOf(req), status: String(res.statusCode) }, secondsSince(start)));
    log(req, res, next);
  };
}
