import type { CreateProposalInput as ProposalInput, ProposalContentInput, UpdateProposalInput as ProposalUpdate } from '@palisade/proposals';
import { CommonErrorCode, DomainException } from '@palisade/shared-types';

import type { CreateProposalInput, UpdateProposalInput } from './proposal.input';

type ContentFields = Pick<CreateProposalInput, 'changes' | 'policies' | 'yaml'>;
type Mode = 'changes' | 'replace' | undefined;

const invalid = (path: string, message: string): DomainException =>
  new DomainException(CommonErrorCode.VALIDATION_FAILED, `${path}: ${message}`, [{ path, message }]);

/** Exactly one way of giving the content (changes, a desired set, or YAML); none when `optional`. */
function contentOf(fields: ContentFields, mode: Mode, optional: boolean): ProposalContentInput | null {
  const given = (['changes', 'policies', 'yaml'] as const).filter((k) => fields[k] !== undefined && fields[k] !== null);
  if (given.length > 1) throw invalid(given[1], `give only one of changes, policies or yaml`);
  if (given.length === 0) {
    if (optional) return null;
    throw invalid('changes', 'give changes {upsert, delete}, or the complete desired set (policies, or YAML with ?mode=replace)');
  }
  if (fields.yaml != null) {
    if (mode === 'changes') throw invalid('mode', 'a YAML body is the complete desired set: use mode=replace');
    return { mode: 'replace', input: { format: 'yaml', text: fields.yaml } };
  }
  if (fields.policies != null) return { mode: 'replace', input: { format: 'json', policies: fields.policies } };
  if (mode === 'replace') throw invalid('changes', 'mode=replace takes the complete desired set (policies or YAML), not changes');
  return { mode: 'changes', changes: fields.changes };
}

/** createProposal's use-case input, from REST (JSON or YAML, `mode` from the query) or GraphQL. */
export function createProposalInputOf(input: CreateProposalInput, mode: Mode, idempotencyKey: string | null | undefined): Omit<ProposalInput, 'caller' | 'clusterName'> {
  return {
    title: input.title,
    description: input.description,
    baseVersion: input.baseVersion,
    content: contentOf(input, mode, false) as ProposalContentInput,
    source: input.source,
    idempotencyKey: idempotencyKey ?? null,
  };
}

/** updateProposal's use-case input: every field optional. */
export function updateProposalInputOf(input: UpdateProposalInput, mode: Mode): Omit<ProposalUpdate, 'caller' | 'id'> {
  return { title: input.title, description: input.description, baseVersion: input.baseVersion, content: contentOf(input, mode, true) };
}
