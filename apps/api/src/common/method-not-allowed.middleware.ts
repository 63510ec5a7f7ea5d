import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

import { TransportErrorCode } from '../errors/api-error-code.type';
import { toProblem } from '../errors/to-problem';

interface RouteLayer {
  match(path: string): unknown;
  route?: { methods: Record<string, boolean> };
}

/**
 * A path that exists answered with a method it does not serve (TRACE, OPTIONS or any other) gets
 * 405 with an Allow header naming the methods it does serve; unknown paths stay 404. The routes are
 * read from Express's router once, at the first request (all routes exist after app.init()).
 */
export function methodNotAllowed(app: NestExpressApplication): (req: Request, res: Response, next: NextFunction) => void {
  let routes: RouteLayer[] | undefined;
  return (req, res, next) => {
    routes ??= ((app.getHttpAdapter().getInstance() as unknown as { router: { stack: RouteLayer[] } }).router.stack ?? []).filter((layer) => layer.route);
    const allowed = new Set<string>();
    for (const layer of routes) {
      let matches: unknown;
      try {
        matches = layer.match(req.path);
      } catch {
        matches = false; // malformed percent-encoding: the router answers that itself
      }
      if (matches) for (const method of Object.keys(layer.route?.methods ?? {})) allowed.add(method.toUpperCase());
    }
    if (allowed.size === 0 || allowed.has(req.method) || (req.method === 'HEAD' && allowed.has('GET'))) {
      next();
      return;
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].filter((method) => method !== '_ALL').sort().join(', ');
    const problem = toProblem(
      { code: TransportErrorCode.METHOD_NOT_ALLOWED, status: 405, message: `${req.method} is not allowed on ${req.path}; allowed: ${allow}`, details: [] },
      req,
      req.requestId,
    );
    res.status(405).setHeader('Allow', allow).type('application/problem+json').send(JSON.stringify(problem));
  };
}
