import type { NetworkPolicy } from '@palisade/netpol-engine';
import { parsePolicySetInput, type PolicySetInput } from '@palisade/policy-versions';
import { CommonErrorCode, DomainException, type ErrorDetail, isDns1123Label } from '@palisade/shared-types';

import type { PolicyRef, ProposalContent } from './proposal-changes.util';

/** A proposal's content as a transport received it, before parsing. */
export type ProposalContentInput = { mode: 'changes'; changes: unknown } | { mode: 'replace'; input: PolicySetInput };

const invalid = (details: ErrorDetail[]): DomainException =>
  new DomainException(CommonErrorCode.VALIDATION_FAILED, details.map((d) => `${d.path}: ${d.message}`).join('; '), details);

function parseDeletes(value: unknown): PolicyRef[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid([{ path: 'changes.delete', message: 'must be an array of {namespace, name}' }]);
  const problems: ErrorDetail[] = [];
  const refs = value.map((item: unknown, i) => {
    const ref = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const namespace = ref['namespace'];
    const name = ref['name'];
    if (typeof namespace !== 'string' || !isDns1123Label(namespace)) {
      problems.push({ path: `changes.delete[${i}].namespace`, message: 'must be a Kubernetes namespace name' });
    }
    if (typeof name !== 'string' || name.length === 0 || name.length > 253) {
      problems.push({ path: `changes.delete[${i}].name`, message: 'must be a Kubernetes object name' });
    }
    const unknown = Object.keys(ref).filter((k) => k !== 'namespace' && k !== 'name');
    unknown.forEach((k) => problems.push({ path: `changes.delete[${i}].${k}`, message: `unknown field "${k}"` }));
    return { namespace: String(ref['namespace']), name: String(ref['name']) };
  });
  if (problems.length > 0) throw invalid(problems);
  return refs;
}

/**
 * Parses and validates proposal content: upserts like any submitted policy set (every invalid
 * manifest named with its document, line and field), deletes as `{namespace, name}`.
 */
export function parseProposalContent(input: ProposalContentInput): ProposalContent {
  if (input.mode === 'replace') return { mode: 'replace', policies: parsePolicySetInput(input.input) };
  const changes = input.changes;
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    throw invalid([{ path: 'changes', message: 'must be an object {upsert: [NetworkPolicy...], delete: [{namespace, name}...]}' }]);
  }
  const record = changes as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => k !== 'upsert' && k !== 'delete');
  if (unknown.length > 0) throw invalid(unknown.map((k) => ({ path: `changes.${k}`, message: `unknown field "${k}"` })));
  const upsertInput = record['upsert'] ?? [];
  if (!Array.isArray(upsertInput)) throw invalid([{ path: 'changes.upsert', message: 'must be an array of NetworkPolicy objects' }]);
  const upsert: NetworkPolicy[] = upsertInput.length > 0 ? parsePolicySetInput({ format: 'json', policies: upsertInput }) : [];
  return { mode: 'changes', upsert, delete: parseDeletes(record['delete']) };
}
