import { type BackoffPolicy, backoffDelay, sleep } from '../sync/backoff.util';
import { type KubeClient, WatchExpiredError } from './kube-client';
import { KubeRequestError } from './kube-request.error';

export interface KubeObjectMeta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; continue?: string };
}

export interface ListWatchHandlers<T> {
  /** A complete list: everything previously known is replaced. */
  onReset(items: Map<string, T>): void;
  onUpsert(key: string, item: T): void;
  onDelete(key: string): void;
  /** Listing or watching failed; the informer retries with backoff. */
  onError(error: Error): void;
}

export interface ListWatchOptions<T> {
  labelSelector?: string;
  /** Items per list page; keeps a 10k-pod list from being one huge response. */
  pageSize?: number;
  /** The server ends each watch after this long; the informer resumes from the last resourceVersion. */
  watchTimeoutSeconds?: number;
  backoff: BackoffPolicy;
  /** Reduces a raw object to what is kept, so full objects are never held. */
  map(raw: unknown): T;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(raw: KubeObjectMeta): string {
  const m = raw.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

/**
 * An informer: lists a collection (in pages), then watches it from the list's resourceVersion,
 * resuming after the server ends a watch, listing again after 410 Gone, after errors (with
 * backoff, or a 429's Retry-After when longer) and on demand (`relist`, the periodic full compare).
 */
export class ListWatch<T> {
  private stopped = false;
  private readonly stopping = new AbortController();
  private watchAbort = new AbortController();
  private relistRequested = false;
  private loop?: Promise<void>;

  constructor(
    private readonly client: KubeClient,
    private readonly path: string,
    private readonly handlers: ListWatchHandlers<T>,
    private readonly options: ListWatchOptions<T>,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Lists again (a full compare), ending the current watch. */
  relist(): void {
    this.relistRequested = true;
    this.watchAbort.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.watchAbort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        this.relistRequested = false;
        let resourceVersion = await this.list();
        failures = 0;
        while (!this.stopped && !this.relistRequested) {
          this.watchAbort = new AbortController();
          const started = Date.now();
          await this.client.watch<KubeObjectMeta>(
            this.path,
            { labelSelector: this.options.labelSelector, resourceVersion, timeoutSeconds: this.options.watchTimeoutSeconds ?? 300 },
            (event) => {
              resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
              if (event.type === 'BOOKMARK') return;
              const key = objectKey(event.object);
              if (event.type === 'DELETED') this.handlers.onDelete(key);
              else this.handlers.onUpsert(key, this.options.map(event.object));
            },
            this.watchAbort.signal,
          );
          // A watch the server (or something between) closes at once must not become a busy loop.
          if (Date.now() - started < 500) await sleep(500, this.stopping.signal);
        }
      } catch (error) {
        if (this.stopped) break;
        if (error instanceof WatchExpiredError) continue;
        failures++;
        this.handlers.onError(error instanceof Error ? error : new KubeRequestError('transient', String(error)));
        // A throttled list or watch waits as long as the server asked (429 Retry-After), at least.
        const retryAfterMs = error instanceof KubeRequestError ? (error.options.retryAfterMs ?? 0) : 0;
        await sleep(Math.max(backoffDelay(failures, this.options.backoff), retryAfterMs), this.stopping.signal);
      }
    }
  }

  private async list(): Promise<string> {
    const items = new Map<string, T>();
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.client.get<{ items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } }>(this.path, {
        query: { labelSelector: this.options.labelSelector, limit: this.options.pageSize ?? 500, continue: token },
      });
      for (const raw of page.items ?? []) items.set(objectKey(raw as KubeObjectMeta), this.options.map(raw));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      token = page.metadata?.continue || undefined;
    } while (token && !this.stopped);
    this.handlers.onReset(items);
    return resourceVersion;
  }
}
