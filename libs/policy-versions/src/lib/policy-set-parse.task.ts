import type { NetworkPolicy } from '@palisade/netpol-engine';
import { DomainException, type ErrorDetail } from '@palisade/shared-types';

import { parsePolicySetInput, type PolicySetInput, type PolicySetLimits } from './policy-set-input.util';

/**
 * This file, for a worker thread to run parsePolicySetTask: bundle it (esbuild) into plain
 * JavaScript, as a thread must not load a TypeScript hook of its own.
 */
export const POLICY_SET_PARSE_TASK_FILE = __filename;

export interface PolicySetParseTask {
  input: Exclude<PolicySetInput, { format: 'checked' }>;
  limits: PolicySetLimits;
}

/** Exceptions lose their class between threads: a refusal comes back as data. */
export type PolicySetParseResult = { policies: NetworkPolicy[] } | { refused: { code: string; message: string; details: ErrorDetail[] } };

/** parsePolicySetInput, with its refusal as data. */
export function parsePolicySetTask(task: PolicySetParseTask): PolicySetParseResult {
  try {
    return { policies: parsePolicySetInput(task.input, task.limits) };
  } catch (error) {
    if (error instanceof DomainException) return { refused: { code: error.code, message: error.message, details: error.details } };
    throw error;
  }
}
