import { join } from 'node:path';

import type { ProposalContentInput } from '@palisade/proposals';
import { POLICY_SET_PARSE_TASK_FILE, type PolicySetInput, type PolicySetParseResult, type PolicySetParseTask, PolicyVersionsErrorCode, PolicyVersionsException } from '@palisade/policy-versions';
import { type Caller, CommonErrorCode, DomainException, startThreadPool, threadBundle, type ThreadBundle } from '@palisade/shared-types';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Piscina } from 'piscina';

import { API_ENV } from '../config/api-env.token';
import type { ApiEnv } from '../config/env';
import { PrincipalTurns } from './principal-turns.util';

/** Policy sets one principal (all its tokens) may have waiting for, or on, the parser thread; one more answers 429 POLICY_SETS_WAITING. */
export const POLICY_SETS_PER_PRINCIPAL = 4;

/** The key a principal takes turns under: its id, or kind and name for one without (the bootstrap admin). */
const principalKey = (caller: Caller): string => {
  const actor = caller.principal.actor;
  return actor.id ?? `${actor.kind}:${actor.name}`;
};

/** The file name `npm run build` gives the prebuilt parser bundle, beside the compiled API. */
export const PREBUILT_POLICY_SET_PARSE_WORKER = 'policy-set-parse-worker.cjs';

/**
 * Parses and validates submitted policy sets (YAML or JSON, up to POLICY_SET_MAX_DOCUMENTS) on a
 * worker thread: parsing megabytes of YAML takes seconds, which on the event loop would stall
 * every other request, /healthz included. The thread runs a plain JavaScript bundle of the parser
 * built at start, as the analysis threads do (a TypeScript hook inside a thread crashes Node 20).
 * The compiled API (`npm run build`) ships that bundle beside itself and uses it as it is.
 */
@Injectable()
export class PolicySetParser implements OnModuleDestroy, OnApplicationShutdown {
  private readonly bundle: ThreadBundle;
  private readonly pool: Piscina<PolicySetParseTask, PolicySetParseResult>;
  private readonly turns = new PrincipalTurns(
    POLICY_SETS_PER_PRINCIPAL,
    (held) => new PolicyVersionsException(PolicyVersionsErrorCode.POLICY_SETS_WAITING, `${held} policy sets of this principal are already waiting to be read (at most ${POLICY_SETS_PER_PRINCIPAL}); send this one when they are answered`),
  );

  constructor(@Inject(API_ENV) private readonly env: ApiEnv) {
    this.bundle = threadBundle(POLICY_SET_PARSE_TASK_FILE, join(__dirname, PREBUILT_POLICY_SET_PARSE_WORKER));
    this.pool = startThreadPool(this.bundle, { name: 'parsePolicySetTask', maxThreads: 1 });
  }

  /**
   * The policy set, parsed and validated off the event loop; refused exactly as parsePolicySetInput
   * would refuse it. Policy sets are read one at a time, principals taking turns, each within
   * POLICY_SET_PARSE_TIMEOUT_MS of the start of its turn.
   */
  async check(input: PolicySetInput, caller: Caller): Promise<PolicySetInput> {
    if (input.format === 'checked') return input;
    const timeoutMs = this.env.POLICY_SET_PARSE_TIMEOUT_MS;
    const result = await this.turns.run(principalKey(caller), async () => {
      try {
        return await this.pool.run({ input, limits: { maxDocuments: this.env.POLICY_SET_MAX_DOCUMENTS } }, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const name = (error as Error).name;
        if (name !== 'AbortError' && name !== 'TimeoutError') throw error;
        // The thread reading it is stopped; the next policy set starts a new one.
        throw new PolicyVersionsException(
          PolicyVersionsErrorCode.POLICY_SET_TOO_SLOW_TO_READ,
          `the policy set was not read within ${timeoutMs} ms (POLICY_SET_PARSE_TIMEOUT_MS); nothing was stored`,
        );
      }
    });
    if ('refused' in result) throw new DomainException(result.refused.code, result.refused.message, result.refused.details);
    return { format: 'checked', policies: result.policies };
  }

  /** A proposal's content with its policy set checked off the event loop; explicit changes are only counted here. */
  async checkContent<T extends ProposalContentInput | null | undefined>(content: T, caller: Caller): Promise<T> {
    if (content === null || content === undefined) return content;
    if (content.mode === 'replace') return { mode: 'replace', input: await this.check(content.input, caller) } as T;
    const upsert = (content.changes as { upsert?: unknown } | null)?.upsert;
    const max = this.env.POLICY_SET_MAX_DOCUMENTS;
    if (Array.isArray(upsert) && upsert.length > max) {
      throw new PolicyVersionsException(
        PolicyVersionsErrorCode.TOO_MANY_POLICIES,
        `changes.upsert holds ${upsert.length} policies; at most ${max} are accepted (POLICY_SET_MAX_DOCUMENTS)`,
        [{ path: 'changes.upsert', message: `at most ${max} policies` }],
      );
    }
    return content;
  }

  /**
   * At the first step of shutdown, before the HTTP server drains its requests (the GraphQL module
   * drains it when it stops, in this step too, after this root-module provider): policy sets still
   * waiting are answered 503 at once and the one being read finishes, so shutdown does not wait
   * for the whole queue.
   */
  onModuleDestroy(): void {
    this.turns.close(new DomainException(CommonErrorCode.SERVICE_UNAVAILABLE, 'the service is shutting down; send the policy set again'));
  }

  /** At the last step of shutdown, after the HTTP server has closed. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
    this.bundle.dispose();
  }
}
