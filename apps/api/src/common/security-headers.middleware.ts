import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response (helmet's defaults: Content-Security-Policy, HSTS,
 * X-Content-Type-Options, frame and referrer policies, ...), and `Cache-Control: no-store`: API
 * responses carry tokens' secrets, policies and audit data that no shared or browser cache should keep.
 */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet(),
    (_req: Request, res: Response, next: NextFunction) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}
