import { type RequestHandler, text } from 'express';

import { YAML_MEDIA_TYPES } from '../policy-version/policy-set-input.from-request';

/** What PUT .../inventory reads: `kubectl get -o json` or `-o yaml`, as text. */
export const INVENTORY_MEDIA_TYPES = ['application/json', ...YAML_MEDIA_TYPES];

const INVENTORY_PATH = /^\/api\/v1\/clusters\/[^/]+\/inventory\/?$/;

/**
 * Reads an inventory upload's body as text, for the engine's manifest reader to parse with located
 * errors, under its own limit: a larger body (by Content-Length, or once read that far, after any
 * Content-Encoding) is refused with 413 before anything is parsed. Other requests pass untouched;
 * registered before the general JSON parser, which then leaves the read body alone.
 */
export function inventoryBodyParser(maxBytes: number): RequestHandler {
  const parse = text({ type: INVENTORY_MEDIA_TYPES, limit: maxBytes });
  return (request, response, next) => {
    if (request.method === 'PUT' && INVENTORY_PATH.test(request.path)) parse(request, response, next);
    else next();
  };
}
