import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

import { YAML_MEDIA_TYPES } from '../policy-version/policy-set-input.from-request';

/** What PUT .../inventory reads: `kubectl get -o json` or `-o yaml`, as text. */
export const INVENTORY_MEDIA_TYPES = ['application/json', ...YAML_MEDIA_TYPES];

/** The uploaded manifests as text (read by RequestBodyInterceptor); JSON or YAML is told by the text itself. */
export function inventoryManifestsFrom(request: Request): string {
  if (!request.is(INVENTORY_MEDIA_TYPES)) {
    throw new UnsupportedMediaTypeException(
      'Content-Type must be application/json (kubectl get ... -o json) or application/yaml (kubectl get ... -o yaml)',
    );
  }
  return typeof request.body === 'string' ? request.body : '';
}
