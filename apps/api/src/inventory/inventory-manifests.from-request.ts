import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

import { INVENTORY_MEDIA_TYPES } from './inventory-body.parser';

/** The uploaded manifests as text (read by inventoryBodyParser); JSON or YAML is told by the text itself. */
export function inventoryManifestsFrom(request: Request): string {
  if (!request.is(INVENTORY_MEDIA_TYPES)) {
    throw new UnsupportedMediaTypeException(
      'Content-Type must be application/json (kubectl get ... -o json) or application/yaml (kubectl get ... -o yaml)',
    );
  }
  return typeof request.body === 'string' ? request.body : '';
}
