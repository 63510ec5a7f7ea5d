import { Agent, type RequestOptions } from 'node:https';
import { createSecureContext } from 'node:tls';

import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, PatchStrategy, RequestContext, Watch } from '@kubernetes/client-node';

import type { ClusterCredentials } from '../connection/cluster-credentials.type';
import { errorFromResponse, errorFromTransport, KubeRequestError } from './kube-request.error';

export interface KubeClientOptions {
  /** Deadline of one request (a watch: of its first byte). */
  requestTimeoutMs: number;
  /** Sent as User-Agent; names the worker in the API server's audit log. */
  userAgent: string;
  /** Sockets kept per client; bounds the requests in flight to one cluster. */
  maxSockets?: number;
}

export interface KubeRequest {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Overrides the client's request timeout. */
  timeoutMs?: number;
}

export interface WatchEvent<T = unknown> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** A watch ended because its resourceVersion is too old (HTTP 410 Gone): list again. */
export class WatchExpiredError extends Error {
  constructor() {
    super('watch resourceVersion expired (410 Gone)');
  }
}

function withQuery(path: string, query: KubeRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

type FetchInit = Awaited<ReturnType<KubeConfig['applyToFetchOptions']>>;

/**
 * A KubeConfig whose fetch options (what client-node's Watch asks it for) carry this client's
 * keep-alive agent, User-Agent and a deadline on the answer's headers. client-node's Watch creates a
 * 30 s deadline of its own but never applies it (it replaces that signal with its abort controller's),
 * so without this a watch the server accepts but never answers would hang forever. node-fetch clears
 * this deadline once the headers arrive: a watch may then stay silent until the server ends it.
 */
class ClientKubeConfig extends KubeConfig {
  fetchInit?: FetchInit;

  override async applyToFetchOptions(opts: RequestOptions): Promise<FetchInit> {
    if (!this.fetchInit) return super.applyToFetchOptions(opts);
    return { ...this.fetchInit };
  }
}

/** The error a client-node watch ended with, classified like any other request's. */
function watchError(path: string, error: unknown, timeoutMs: number): Error {
  const e = error as { statusCode?: number; type?: string; message?: string };
  if (e.statusCode === 410) return new WatchExpiredError();
  // client-node's Watch keeps only the status of a refused watch, neither its body nor its headers.
  if (typeof e.statusCode === 'number') return errorFromResponse('GET', path, e.statusCode, e.message, {});
  return errorFromTransport('GET', path, transportCause(error, timeoutMs));
}

/**
 * The low-level cause of a request that got no answer. node-fetch (client-node's HTTP layer) wraps
 * it as "request to <url> failed, reason: <cause>" and reports its deadlines as `request-timeout`
 * (a watch's headers) or an abort (a request's AbortSignal.timeout).
 */
function transportCause(error: unknown, timeoutMs: number): unknown {
  const e = error as { type?: string; name?: string; code?: string; message?: string };
  if (e.type === 'request-timeout' || e.type === 'aborted' || e.name === 'AbortError') {
    return Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
  }
  const reason = e.message?.match(/ failed, reason: (.*)$/s)?.[1];
  return reason ? Object.assign(new Error(reason), { code: e.code }) : error;
}

/**
 * A small client for one cluster: JSON requests, server-side apply and watches over one keep-alive
 * agent, through @kubernetes/client-node. TLS material and the Authorization header come from its
 * KubeConfig (applyToHTTPSOptions), watches are its Watch (the streaming protocol) and requests go
 * through its HTTP layer (RequestContext, IsomorphicFetchHttpLibrary) with a deadline each. Its object
 * API is not used: it passes objects through model classes, which drop a NetworkPolicy's `from` when
 * sending and rename it `_from` when reading (README, "Why some Kubernetes I/O is our own"). Objects
 * stay the JSON the server sent, as they are hashed; errors are classified in one place (KubeRequestError).
 */
export class KubeClient {
  private readonly watcher: Watch;
  private readonly http = new IsomorphicFetchHttpLibrary();

  private constructor(
    private readonly base: URL,
    private readonly headers: Record<string, string>,
    private readonly agent: Agent,
    private readonly options: KubeClientOptions,
    config: ClientKubeConfig,
  ) {
    config.fetchInit = {
      agent,
      headers: { ...headers, Accept: 'application/json', 'User-Agent': options.userAgent },
      timeout: options.requestTimeoutMs,
    } as FetchInit;
    this.watcher = new Watch(config);
  }

  static async connect(credentials: ClusterCredentials, options: KubeClientOptions): Promise<KubeClient> {
    const kc = new ClientKubeConfig();
    kc.loadFromClusterAndUser(
      { name: 'cluster', server: credentials.server, caData: credentials.caData, tlsServerName: credentials.tlsServerName, skipTLSVerify: false },
      { name: 'user', token: credentials.token, certData: credentials.clientCertData, keyData: credentials.clientKeyData },
    );
    const https: RequestOptions = {};
    await kc.applyToHTTPSOptions(https);
    // One secure context for every socket of this client, instead of parsing the CA again per connection.
    const secureContext = createSecureContext({ ca: https.ca, cert: https.cert, key: https.key });
    const agent = new Agent({ secureContext, servername: https.servername, keepAlive: true, maxSockets: options.maxSockets ?? 16 });
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(https.headers ?? {})) if (typeof value === 'string') headers[key] = value;
    return new KubeClient(new URL(credentials.server), headers, agent, options, kc);
  }

  get server(): string {
    return this.base.toString().replace(/\/$/, '');
  }

  async get<T>(path: string, req: KubeRequest = {}): Promise<T> {
    return this.send<T>(HttpMethod.GET, path, req);
  }

  async post<T>(path: string, body: unknown, req: KubeRequest = {}): Promise<T> {
    return this.send<T>(HttpMethod.POST, path, { ...req, body });
  }

  async delete<T>(path: string, body?: unknown, req: KubeRequest = {}): Promise<T> {
    return this.send<T>(HttpMethod.DELETE, path, { ...req, body });
  }

  /** Server-side apply of `object` at `path` as `fieldManager`; with `force`, fields other managers own are taken over. */
  async apply<T>(path: string, object: unknown, fieldManager: string, force: boolean): Promise<T> {
    return this.send<T>(HttpMethod.PATCH, path, {
      query: { fieldManager, force: force ? 'true' : undefined },
      body: object,
      // JSON is YAML: the apply patch type only exists as +yaml.
      contentType: PatchStrategy.ServerSideApply,
    });
  }

  /**
   * Streams watch events (through client-node's Watch) until the server ends the watch (resolves),
   * `signal` aborts it (resolves), or it fails (rejects with KubeRequestError or WatchExpiredError).
   * The request has the client's deadline until its answer's headers arrive.
   */
  watch<T>(path: string, query: KubeRequest['query'], onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return resolve();
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => finish();
      signal.addEventListener('abort', onAbort);
      this.watcher
        .watch(
          path,
          { ...query, allowWatchBookmarks: true },
          (type: string, object: unknown) => {
            if (settled) return;
            if (type === 'ERROR') {
              const status = object as { code?: number; message?: string };
              finish(status.code === 410 ? new WatchExpiredError() : new KubeRequestError('transient', `watch ${path}: ${status.message ?? 'error event'}`));
              return;
            }
            onEvent({ type: type as WatchEvent<T>['type'], object: object as T });
          },
          (error: unknown) => finish(error && !signal.aborted ? watchError(path, error, this.options.requestTimeoutMs) : undefined),
        )
        .then(
          (started) => {
            // Aborted or failed before the answer's headers arrived: end the request now.
            if (settled) started.abort();
            else controller = started;
          },
          (error: unknown) => finish(watchError(path, error, this.options.requestTimeoutMs)),
        );
    });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request through client-node's HTTP layer, with a deadline on the whole exchange; the answer is parsed here, as plain JSON. */
  private async send<T>(method: HttpMethod, path: string, req: KubeRequest): Promise<T> {
    const timeoutMs = req.timeoutMs ?? this.options.requestTimeoutMs;
    const context = new RequestContext(new URL(withQuery(path, req.query), this.base).toString(), method);
    for (const [key, value] of Object.entries(this.headers)) context.setHeaderParam(key, value);
    context.setHeaderParam('Accept', 'application/json');
    context.setHeaderParam('User-Agent', this.options.userAgent);
    if (req.body !== undefined) {
      context.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      context.setBody(JSON.stringify(req.body));
    }
    context.setAgent(this.agent);
    // A deadline on the whole exchange, body included, not just socket idleness: a trickling proxy must not stall a sync.
    context.setSignal(AbortSignal.timeout(timeoutMs));
    let status: number;
    let headers: Record<string, string>;
    let text: string;
    try {
      const response = await this.http.send(context).toPromise();
      status = response.httpStatusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (error) {
      throw errorFromTransport(method, path, transportCause(error, timeoutMs));
    }
    const body = parseJson(text);
    if (status >= 200 && status < 300) return body as T;
    throw errorFromResponse(method, path, status, body, headers);
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

