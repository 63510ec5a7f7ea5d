import { CommonErrorCode, DomainException } from '@palisade/shared-types';
import type { Response } from 'express';

export const ANALYSIS_MEDIA_TYPES = ['application/json', 'text/markdown', 'text/vnd.graphviz'] as const;

/**
 * The representation an `Accept` header asks for: JSON (also for none or `*\/*`), a Markdown report,
 * or a Graphviz picture of the changed flows. Sets the response's Content-Type for the text forms;
 * anything else is a 406-like VALIDATION_FAILED naming what is offered.
 */
export function analysisFormat(accept: string | undefined, response: Response): 'json' | 'markdown' | 'dot' {
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '');
  if (types.includes('text/markdown')) {
    response.type('text/markdown; charset=utf-8');
    return 'markdown';
  }
  if (types.includes('text/vnd.graphviz')) {
    response.type('text/vnd.graphviz; charset=utf-8');
    return 'dot';
  }
  if (accept === undefined || types.some((t) => t === '' || t === '*/*' || t === 'application/*' || t === 'application/json')) return 'json';
  const message = `Accept must be one of ${ANALYSIS_MEDIA_TYPES.join(', ')}`;
  throw new DomainException(CommonErrorCode.VALIDATION_FAILED, message, [{ path: 'Accept', message }]);
}
