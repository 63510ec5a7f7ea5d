import { createHash } from 'node:crypto';

import { canonicalizeNetworkPolicy, canonicalJson } from '@palisade/netpol-engine';
import { type Caller, CommonErrorCode, DomainException, validateCommand } from '@palisade/shared-types';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

import type { ProposalContent } from './proposal-changes.util';
import { type ProposalContentInput, parseProposalContent } from './proposal-content.util';

export class ProposalSource {
  /** What submitted it, e.g. `github-pr`, `gitlab-mr`, `manual`, `revert`. */
  @IsString()
  @Matches(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/, { message: 'source.kind must be a short lowercase word such as github-pr' })
  @MaxLength(50)
  kind!: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'source.url must be an http(s) URL' })
  @MaxLength(2000)
  url?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  commit?: string | null;
}

export interface CreateProposalInput {
  caller: Caller;
  clusterName: string;
  title: string;
  description?: string | null;
  /** Required with explicit changes; a replace set defaults to the cluster's head. */
  baseVersion?: number | null;
  content: ProposalContentInput;
  source?: { kind: string; url?: string | null; commit?: string | null } | null;
  idempotencyKey?: string | null;
  revertsToVersion?: number | null;
}

export class CreateProposalCommand {
  @IsString()
  @MinLength(1, { message: 'title must not be empty' })
  @MaxLength(200)
  readonly title: string;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  readonly description: string | null;

  @IsOptional()
  @IsInt({ message: 'baseVersion must be a version number' })
  @Min(1, { message: 'baseVersion must be a version number' })
  readonly baseVersion: number | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ProposalSource)
  readonly source: ProposalSource | null;

  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'Idempotency-Key must be 1-200 printable ASCII characters' })
  readonly idempotencyKey: string | null;

  readonly content: ProposalContent;

  private constructor(
    input: CreateProposalInput,
    readonly caller: Caller,
    readonly clusterName: string,
    readonly revertsToVersion: number | null,
  ) {
    this.title = input.title;
    this.description = input.description ?? null;
    this.baseVersion = input.baseVersion ?? null;
    this.source = input.source ? Object.assign(new ProposalSource(), input.source) : null;
    this.idempotencyKey = input.idempotencyKey ?? null;
    validateCommand(this);
    if (input.content.mode === 'changes' && this.baseVersion === null) {
      throw new DomainException(CommonErrorCode.VALIDATION_FAILED, 'baseVersion: explicit changes need the version they apply to', [
        { path: 'baseVersion', message: 'explicit changes need the version they apply to' },
      ]);
    }
    this.content = parseProposalContent(input.content);
  }

  static from(input: CreateProposalInput): CreateProposalCommand {
    return new CreateProposalCommand(input, input.caller, input.clusterName, input.revertsToVersion ?? null);
  }

  /** Tells a retry (same request) from a different request reusing an Idempotency-Key. */
  requestHash(): string {
    const content =
      this.content.mode === 'replace'
        ? { mode: 'replace', policies: this.content.policies.map(canonicalizeNetworkPolicy) }
        : { mode: 'changes', upsert: this.content.upsert.map(canonicalizeNetworkPolicy), delete: this.content.delete };
    const request = {
      cluster: this.clusterName,
      title: this.title,
      description: this.description,
      baseVersion: this.baseVersion,
      source: this.source ? { kind: this.source.kind, url: this.source.url ?? null, commit: this.source.commit ?? null } : null,
      content,
    };
    return createHash('sha256').update(canonicalJson(request)).digest('hex');
  }
}
