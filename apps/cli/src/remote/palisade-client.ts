import { CliException } from '../cli.exception';

/** Pauses between attempts after a connection error or a 5xx: three retries, doubling. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [200, 400, 800];

/** A request's deadline: above the server's longest `Prefer: wait` (60 s). */
const REQUEST_TIMEOUT_MS = 90_000;

export interface ClientOptions {
  /** Base URL, e.g. `https://palisade.example.com` (a trailing slash is ignored). */
  server: string;
  token: string;
  retryDelaysMs?: readonly number[];
}

export interface RequestOptions {
  body?: unknown;
  /** Extra headers, e.g. `Idempotency-Key` or `Prefer`. */
  headers?: Record<string, string>;
  /** `text/markdown` for the analysis report; JSON otherwise. */
  accept?: string;
}

/** RFC 9457 problem details as the API answers them. */
interface Problem {
  title?: string;
  detail?: string;
  code?: string;
  status?: number;
  errors?: { path?: string; message?: string }[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && ('title' in value || 'code' in value);
}

/** `palisade: <title>: <detail> (<code>)`'s message, and one line per located error. */
function problemException(problem: Problem, status: number): CliException {
  const title = problem.title ?? `HTTP ${status}`;
  const detail = problem.detail && problem.detail !== title ? `: ${problem.detail}` : '';
  const code = problem.code ? ` (${problem.code})` : '';
  const details = (problem.errors ?? []).map((e) => `  ${e.path ? `${e.path}: ` : ''}${e.message ?? ''}`);
  return CliException.server(`${title}${detail}${code}`, details);
}

function describeNetworkError(e: unknown): string {
  if (e instanceof Error && e.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

/**
 * The Palisade REST API over Node's fetch, with the bearer token. A connection error or a 5xx is
 * retried after each of `retryDelaysMs`; every failure ends as a CliException (exit 1) carrying the
 * server's problem title, detail and code.
 *
 * @example await new PalisadeClient({ server, token }).request('GET', `/api/v1/proposals/${id}`)
 */
export class PalisadeClient {
  readonly server: string;
  private readonly token: string;
  private readonly retryDelaysMs: readonly number[];

  constructor(options: ClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.token = options.token;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** The address of a proposal, for people and pull-request comments. */
  proposalUrl(id: string): string {
    return `${this.server}/api/v1/proposals/${encodeURIComponent(id)}`;
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = `${this.server}${path}`;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: options.accept ?? 'application/json', ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    for (let attempt = 0; ; attempt++) {
      const retryIn = this.retryDelaysMs[attempt];
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      } catch (e) {
        if (retryIn !== undefined) {
          await sleep(retryIn);
          continue;
        }
        throw CliException.server(`cannot reach ${this.server}: ${describeNetworkError(e)}`);
      }
      if (response.status >= 500 && retryIn !== undefined) {
        await response.body?.cancel();
        await sleep(retryIn);
        continue;
      }
      return this.read<T>(response, method, url);
    }
  }

  private async read<T>(response: Response, method: string, url: string): Promise<T> {
    const type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    let json: unknown;
    try {
      json = /\bjson\b/.test(type) ? (JSON.parse(text || 'null') as unknown) : undefined;
    } catch {
      throw CliException.server(`${method} ${url}: HTTP ${response.status}, and the body is not the JSON it claims to be`);
    }
    if (response.ok) return (json === undefined ? text : json) as T;
    if (isProblem(json)) throw problemException(json, response.status);
    throw CliException.server(`${method} ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  }
}
