import type { CreateProposalInput as ProposalInput, ProposalContentInput, UpdateProposalInput as ProposalUpdate } from '@palisade/proposals';
import { CommonErrorCode, DomainException } from '@palisade/shared-types';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

import { YAML_MEDIA_TYPES } from '../policy-version/policy-set-input.from-request';
import type { CreateProposalInput, UpdateProposalInput } from './proposal.input';

type ContentFields = { changes?: unknown; policies?: unknown[] | null; yaml?: string | null };
const JSON_FIELDS = ['title', 'description', 'baseVersion', 'changes', 'policies', 'source'];

const invalid = (path: string, message: string): DomainException =>
  new DomainException(CommonErrorCode.VALIDATION_FAILED, `${path}: ${message}`, [{ path, message }]);

/** Exactly one way of giving the content (changes, a desired set, or YAML); none when `optional`. */
function contentOf(fields: ContentFields, forceReplace: boolean, optional: boolean): ProposalContentInput | null {
  const given = (['changes', 'policies', 'yaml'] as const).filter((k) => fields[k] !== undefined && fields[k] !== null);
  if (given.length > 1) throw invalid(given[1], `give only one of changes, policies or yaml`);
  if (given.length === 0) {
    if (optional) return null;
    throw invalid('changes', 'give changes {upsert, delete}, or the complete desired set (policies, or YAML with ?mode=replace)');
  }
  if (fields.yaml != null) return { mode: 'replace', input: { format: 'yaml', text: fields.yaml } };
  if (fields.policies != null) {
    if (!Array.isArray(fields.policies)) throw invalid('policies', 'must be an array of NetworkPolicy objects');
    return { mode: 'replace', input: { format: 'json', policies: fields.policies } };
  }
  if (forceReplace) throw invalid('changes', 'mode=replace takes the complete desired set (policies or YAML), not changes');
  return { mode: 'changes', changes: fields.changes };
}

const queryString = (request: Request, name: string): string | undefined => {
  const value = request.query[name];
  return typeof value === 'string' ? value : undefined;
};

const queryInt = (request: Request, name: string): number | undefined => {
  const value = queryString(request, name);
  return value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : Number.NaN;
};

/** The body of POST/PATCH as fields: JSON `{title, ..., changes | policies}` or YAML with query parameters. */
function fieldsFrom(request: Request): { fields: Record<string, unknown> & ContentFields; replace: boolean } {
  const mode = queryString(request, 'mode');
  if (mode !== undefined && mode !== 'replace' && mode !== 'changes') throw invalid('mode', 'must be replace or changes');
  if (request.is(YAML_MEDIA_TYPES)) {
    if (mode === 'changes') throw invalid('mode', 'a YAML body is the complete desired set: use mode=replace');
    const sourceKind = queryString(request, 'sourceKind');
    return {
      replace: true,
      fields: {
        title: queryString(request, 'title'),
        description: queryString(request, 'description'),
        baseVersion: queryInt(request, 'baseVersion'),
        yaml: typeof request.body === 'string' ? request.body : '',
        source: sourceKind ? { kind: sourceKind, url: queryString(request, 'sourceUrl') ?? null, commit: queryString(request, 'sourceCommit') ?? null } : undefined,
      },
    };
  }
  if (!request.is('application/json')) {
    throw new UnsupportedMediaTypeException('Content-Type must be application/json or application/yaml (the complete desired set, ?mode=replace)');
  }
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('', 'body must be a JSON object');
  const unknownKey = Object.keys(body).find((key) => !JSON_FIELDS.includes(key));
  if (unknownKey) throw invalid(unknownKey, `unknown field "${unknownKey}"`);
  return { replace: mode === 'replace', fields: body as Record<string, unknown> & ContentFields };
}

/** POST /clusters/{name}/proposals: the use case's input from a JSON or YAML request. */
export function createProposalInputFrom(request: Request): Omit<ProposalInput, 'caller' | 'clusterName'> {
  const { fields, replace } = fieldsFrom(request);
  return {
    title: fields['title'] as string,
    description: fields['description'] as string | undefined,
    baseVersion: fields['baseVersion'] as number | undefined,
    content: contentOf(fields, replace, false) as ProposalContentInput,
    source: fields['source'] as ProposalInput['source'],
    idempotencyKey: request.header('idempotency-key') ?? null,
  };
}

/** PATCH /proposals/{id}: every field optional. */
export function updateProposalInputFrom(request: Request): Omit<ProposalUpdate, 'caller' | 'id'> {
  const { fields, replace } = fieldsFrom(request);
  if (fields['source'] !== undefined) throw invalid('source', 'the source of a proposal cannot be changed');
  return {
    title: fields['title'] as string | undefined,
    description: fields['description'] as string | undefined,
    baseVersion: fields['baseVersion'] as number | undefined,
    content: contentOf(fields, replace, true),
  };
}

/** GraphQL createProposal's input. */
export function createProposalInputOf(input: CreateProposalInput, idempotencyKey: string | null | undefined): Omit<ProposalInput, 'caller' | 'clusterName'> {
  return {
    title: input.title,
    description: input.description,
    baseVersion: input.baseVersion,
    content: contentOf(input, false, false) as ProposalContentInput,
    source: input.source,
    idempotencyKey: idempotencyKey ?? null,
  };
}

/** GraphQL updateProposal's input. */
export function updateProposalInputOf(input: UpdateProposalInput): Omit<ProposalUpdate, 'caller' | 'id'> {
  return { title: input.title, description: input.description, baseVersion: input.baseVersion, content: contentOf(input, false, true) };
}
