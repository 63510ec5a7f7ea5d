import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response (helmet's defaults: Content-Security-Policy, HSTS,
 * X-Content-Type-Options, frame and referrer policies, ...), and `Cache-Control: no-store`: API
 * responses carry tokens' secrets, policies and audit data that no shared or browser cache should keep.
 */
export function securityHeaders(): RequestHandler[] {
  return [
    // No upgrade-insecure-requests: the API is often served over plain HTTP inside a cluster, where
    // upgrading the docs page's own requests to https would break it.
    helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }),
    (_req: Request, res: Response, next: NextFunction) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}
