import { Agent, request, type RequestOptions } from 'node:https';
import { createSecureContext } from 'node:tls';

import { KubeConfig, Watch } from '@kubernetes/client-node';

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
  if (e.type === 'request-timeout') return errorFromTransport('GET', path, Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
  return errorFromTransport('GET', path, error);
}

/**
 * A small client for one cluster: JSON requests, server-side apply and watches over one keep-alive
 * agent. TLS material and the Authorization header come from client-node's KubeConfig
 * (applyToHTTPSOptions) and watches are client-node's Watch (the streaming protocol). Other requests
 * are issued here, because client-node's object API passes objects through its model classes: a
 * NetworkPolicy's `from` is dropped when sent and renamed `_from` when read (see the README, "Why
 * some Kubernetes I/O is our own"). Every call has a deadline and errors are classified in one place
 * (KubeRequestError); objects stay the JSON the server sent, as they are hashed.
 */
export class KubeClient {
  private readonly watcher: Watch;

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
    return this.send<T>('GET', path, req);
  }

  async post<T>(path: string, body: unknown, req: KubeRequest = {}): Promise<T> {
    return this.send<T>('POST', path, { ...req, body });
  }

  async delete<T>(path: string, body?: unknown, req: KubeRequest = {}): Promise<T> {
    return this.send<T>('DELETE', path, { ...req, body });
  }

  /** Server-side apply of `object` at `path` as `fieldManager`; with `force`, fields other managers own are taken over. */
  async apply<T>(path: string, object: unknown, fieldManager: string, force: boolean): Promise<T> {
    return this.send<T>('PATCH', path, {
      query: { fieldManager, force: force ? 'true' : undefined },
      body: object,
      // JSON is YAML: the apply patch type only exists as +yaml.
      contentType: 'application/apply-patch+yaml',
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

  private send<T>(method: string, path: string, req: KubeRequest): Promise<T> {
    const target = withQuery(path, req.query);
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const timeoutMs = req.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const started = request(
        new URL(target, this.base),
        {
          method,
          agent: this.agent,
          headers: {
            ...this.headers,
            Accept: 'application/json',
            'User-Agent': this.options.userAgent,
            ...(payload ? { 'Content-Type': req.contentType ?? 'application/json', 'Content-Length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(errorFromTransport(method, path, error)));
          res.on('end', () => {
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            const body = parseJson(Buffer.concat(chunks).toString('utf8'));
            if (status >= 200 && status < 300) resolve(body as T);
            else reject(errorFromResponse(method, path, status, body, res.headers));
          });
        },
      );
      // A deadline on the whole exchange, not just socket idleness: a trickling proxy must not stall a sync.
      const timer = setTimeout(
        () => started.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        timeoutMs,
      );
      started.on('error', (error) => {
        clearTimeout(timer);
        reject(errorFromTransport(method, path, error));
      });
      if (payload) started.write(payload);
      started.end();
    });
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

