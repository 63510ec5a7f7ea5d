import { Agent, request, type RequestOptions } from 'node:https';
import { createInterface } from 'node:readline';
import { createSecureContext } from 'node:tls';

import { KubeConfig } from '@kubernetes/client-node';

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

/**
 * A small client for one cluster: JSON requests, server-side apply and watches over one keep-alive
 * agent. TLS material and the Authorization header come from client-node's KubeConfig
 * (applyToHTTPSOptions); requests are issued here so that every call has a deadline, errors are
 * classified in one place (KubeRequestError) and objects stay plain JSON, as they are hashed.
 */
export class KubeClient {
  private constructor(
    private readonly base: URL,
    private readonly headers: Record<string, string>,
    private readonly agent: Agent,
    private readonly options: KubeClientOptions,
  ) {}

  static async connect(credentials: ClusterCredentials, options: KubeClientOptions): Promise<KubeClient> {
    const kc = new KubeConfig();
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
    return new KubeClient(new URL(credentials.server), headers, agent, options);
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
   * Streams watch events until the server ends the watch (resolves), `signal` aborts it (resolves),
   * or it fails (rejects with KubeRequestError or WatchExpiredError).
   */
  watch<T>(path: string, query: KubeRequest['query'], onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    const target = withQuery(path, { ...query, watch: 'true', allowWatchBookmarks: 'true' });
    return new Promise((resolve, reject) => {
      if (signal.aborted) return resolve();
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const req = request(new URL(target, this.base), {
        method: 'GET',
        agent: this.agent,
        headers: { ...this.headers, Accept: 'application/json', 'User-Agent': this.options.userAgent },
        timeout: this.options.requestTimeoutMs,
      });
      const onAbort = (): void => {
        req.destroy();
        finish();
      };
      signal.addEventListener('abort', onAbort);
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.options.requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (error) => finish(signal.aborted ? undefined : errorFromTransport('GET', path, error)));
      req.on('response', (res) => {
        if ((res.statusCode ?? 0) !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            finish(
              res.statusCode === 410
                ? new WatchExpiredError()
                : errorFromResponse('GET', path, res.statusCode ?? 0, parseJson(Buffer.concat(chunks).toString('utf8')), res.headers),
            ),
          );
          res.on('error', (error) => finish(errorFromTransport('GET', path, error)));
          return;
        }
        // Once streaming, silence is normal: the server ends the watch after timeoutSeconds.
        req.setTimeout(0);
        const lines = createInterface({ input: res, crlfDelay: Infinity });
        lines.on('line', (line) => {
          if (settled || !line.trim()) return;
          const event = parseJson(line) as WatchEvent<T> | undefined;
          if (!event || typeof event !== 'object') return;
          if (event.type === 'ERROR') {
            const status = event.object as { code?: number; message?: string };
            req.destroy();
            finish(status.code === 410 ? new WatchExpiredError() : new KubeRequestError('transient', `watch ${path}: ${status.message ?? 'error event'}`));
            return;
          }
          onEvent(event);
        });
        res.on('aborted', () => finish(signal.aborted ? undefined : errorFromTransport('GET', path, new Error('watch connection dropped'))));
        const onStreamError = (error: Error): void => finish(signal.aborted ? undefined : errorFromTransport('GET', path, error));
        res.on('error', onStreamError);
        // readline re-emits its input's errors; unheard, a dropped watch would crash the process.
        lines.on('error', onStreamError);
        lines.on('close', () => finish());
      });
      req.end();
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

