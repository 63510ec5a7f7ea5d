import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';

import { KubeConfig, KubernetesObjectApi, ListWatch as ClientNodeListWatch, type KubernetesObject, PatchStrategy, Watch } from '@kubernetes/client-node';

import { KubeClient, KubeRequestError, ListWatch, type WatchEvent, WatchExpiredError } from '../../libs/policy-sync/src';
import { FaultProxy } from '../support/fault-proxy';
import { describeWithKube, type KubeApiServer, startKubeApiServer } from '../support/kube-apiserver';

const NAMESPACE = 'kube-client';

/** A NetworkPolicy whose only ingress rule admits one set of pods: losing `from` would admit every source. */
function restrictive(name: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    },
  };
}

interface LiveNetworkPolicy {
  metadata: { name: string; resourceVersion: string; creationTimestamp: unknown };
  spec: { ingress: Record<string, unknown>[] };
}

/**
 * What KubeClient takes from @kubernetes/client-node (the Watch) and where it keeps its own
 * requests, each shown against the real kube-apiserver: the reasons in the README's "Why some
 * Kubernetes I/O is our own".
 */
describeWithKube('Kubernetes client: client-node where it fits (real kube-apiserver)', () => {
  let kube: KubeApiServer;
  let client: KubeClient;
  let stockConfig: KubeConfig;

  beforeAll(async () => {
    kube = await startKubeApiServer();
    await kube.kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    client = await KubeClient.connect({ server: kube.url, caData: kube.caData, token: kube.adminToken }, { requestTimeoutMs: 5000, userAgent: 'palisade-test' });
    stockConfig = new KubeConfig();
    stockConfig.loadFromClusterAndUser({ name: 'c', server: kube.url, caData: kube.caData, skipTLSVerify: false }, { name: 'u', token: kube.adminToken });
  });
  afterAll(async () => {
    client?.close();
    await kube?.stop();
  });

  it("watches through client-node's Watch and hands on the JSON the server sent", async () => {
    const list = await client.get<{ metadata: { resourceVersion: string } }>(`/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies`);
    const stop = new AbortController();
    const events: WatchEvent<LiveNetworkPolicy>[] = [];
    let added!: () => void;
    const seen = new Promise<void>((resolve) => (added = resolve));
    const watching = client.watch<LiveNetworkPolicy>(
      `/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies`,
      { resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 60 },
      (event) => {
        events.push(event);
        if (event.type === 'ADDED') added();
      },
      stop.signal,
    );
    await kube.kube('POST', `/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies`, restrictive('watched'));
    await seen;
    stop.abort();
    await watching; // an aborted watch resolves

    const event = events.find((e) => e.type === 'ADDED')!;
    expect(event.object.metadata.name).toBe('watched');
    expect(event.object.spec.ingress[0]).toEqual({ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(typeof event.object.metadata.creationTimestamp).toBe('string');
  });

  it('ends a watch the server answers with 410 Gone as expired, so the informer lists again', async () => {
    // The API server answers 410 only once etcd has compacted the resourceVersion away: the proxy stands in for that.
    const proxy = await FaultProxy.start({ target: kube.url, caPem: kube.caPem, certPem: kube.servingCertPem, keyPem: kube.servingKeyPem });
    const proxied = await KubeClient.connect({ server: proxy.url, caData: kube.caData, token: kube.adminToken }, { requestTimeoutMs: 5000, userAgent: 'palisade-test' });
    try {
      proxy.inject({ match: (r) => r.path.includes('watch=true'), times: 1, fault: { kind: 'status', status: 410 } });
      const outcome = await proxied
        .watch(`/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies`, { resourceVersion: '1', timeoutSeconds: 60 }, () => undefined, new AbortController().signal)
        .then(
          () => 'resolved',
          (error: unknown) => error,
        );
      expect(outcome).toBeInstanceOf(WatchExpiredError);
    } finally {
      proxied.close();
      await proxy.stop();
    }
  });

  it("sends requests through client-node's HTTP layer with a deadline each, reading Retry-After off a 429", async () => {
    const proxy = await FaultProxy.start({ target: kube.url, caPem: kube.caPem, certPem: kube.servingCertPem, keyPem: kube.servingKeyPem });
    const proxied = await KubeClient.connect({ server: proxy.url, caData: kube.caData, token: kube.adminToken }, { requestTimeoutMs: 400, userAgent: 'palisade-test' });
    const outcome = (run: () => Promise<unknown>): Promise<unknown> =>
      run().then(
        () => 'resolved',
        (error: unknown) => error,
      );
    try {
      proxy.inject({ times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 3 } });
      const throttled = await outcome(() => proxied.get('/version'));
      expect(throttled).toBeInstanceOf(KubeRequestError);
      expect(throttled).toMatchObject({ kind: 'transient', options: { status: 429, retryAfterMs: 3000 } });
      expect((throttled as Error).message).toBe('GET /version: HTTP 429: injected 429');

      proxy.inject({ times: 1, fault: { kind: 'latency', ms: 1500 } });
      const slow = await outcome(() => proxied.get('/version'));
      expect(slow).toMatchObject({ kind: 'transient', message: 'GET /version: ETIMEDOUT (no answer within 400 ms)' });

      await proxy.setDown(true);
      const down = await outcome(() => proxied.get('/version'));
      // The cause without node-fetch's wrapping (which repeats the URL, query and all).
      expect(down).toMatchObject({ kind: 'transient', message: 'GET /version: ECONNREFUSED' });
      await proxy.setDown(false);

      expect(await proxied.get<{ gitVersion: string }>('/version')).toMatchObject({ gitVersion: kube.version });
      expect(proxy.log.at(-1)).toMatchObject({ path: '/version', userAgent: 'palisade-test', status: 200 });
    } finally {
      proxied.close();
      await proxy.stop();
    }
  });

  it("gives a watch a deadline on the server's first answer, which client-node's own Watch does not", async () => {
    // An HTTPS server with the API server's certificate that accepts every request and never answers.
    const sockets = new Set<Socket>();
    const silent: Server = createServer({ cert: kube.servingCertPem, key: kube.servingKeyPem }, () => undefined);
    silent.on('secureConnection', (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const server = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const stock = new KubeConfig();
    stock.loadFromClusterAndUser({ name: 'c', server, caData: kube.caData, skipTLSVerify: false }, { name: 'u', token: kube.adminToken });
    let stockDone: unknown = 'not called';
    const stockEnded = new Promise<void>((resolve) => {
      void new Watch(stock).watch('/api/v1/namespaces', {}, () => undefined, (error: unknown) => {
        stockDone = error;
        resolve();
      });
    });

    const ours = await KubeClient.connect({ server, caData: kube.caData, token: kube.adminToken }, { requestTimeoutMs: 300, userAgent: 'palisade-test' });
    try {
      const outcome = await ours.watch('/api/v1/namespaces', {}, () => undefined, new AbortController().signal).then(
        () => 'resolved',
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(KubeRequestError);
      expect((outcome as KubeRequestError).kind).toBe('transient');
      expect((outcome as KubeRequestError).message).toContain('no answer within 300 ms');

      // client-node's Watch is still waiting, and ends only when the connection is cut.
      expect(stockDone).toBe('not called');
      for (const socket of sockets) socket.destroy();
      await stockEnded;
      expect(stockDone).toBeInstanceOf(Error);
    } finally {
      ours.close();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("applies with server-side apply as sent, where client-node's object API drops a NetworkPolicy's ingress `from`", async () => {
    const api = KubernetesObjectApi.makeApiClient(stockConfig);
    await api.patch(restrictive('through-object-api'), undefined, undefined, 'palisade-test', true, PatchStrategy.ServerSideApply);
    await client.apply(`/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies/through-kube-client`, restrictive('through-kube-client'), 'palisade-test', true);

    const stored = async (name: string): Promise<Record<string, unknown>> =>
      (await kube.kube<LiveNetworkPolicy>('GET', `/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies/${name}`)).body.spec.ingress[0]!;
    // Through client-node the rule lost its sources: it now admits every pod of every namespace on 5432.
    expect(await stored('through-object-api')).toEqual({ ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(await stored('through-kube-client')).toEqual({ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432, protocol: 'TCP' }] });
  });

  it("lists the JSON the server sent, where client-node's object API returns model objects (`_from`, Date)", async () => {
    const api = KubernetesObjectApi.makeApiClient(stockConfig);
    const modelled = await api.list('networking.k8s.io/v1', 'NetworkPolicy', NAMESPACE, undefined, undefined, undefined, 'metadata.name=through-kube-client');
    const model = modelled.items[0] as unknown as LiveNetworkPolicy;
    expect(model.spec.ingress[0]).toHaveProperty('_from');
    expect(model.spec.ingress[0]).not.toHaveProperty('from');
    expect(model.metadata.creationTimestamp).toBeInstanceOf(Date);

    const raw = await client.get<{ items: LiveNetworkPolicy[] }>(`/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies`, {
      query: { fieldSelector: 'metadata.name=through-kube-client' },
    });
    const json = raw.items[0]!;
    expect(json.spec.ingress[0]).toHaveProperty('from');
    expect(json.spec.ingress[0]).not.toHaveProperty('_from');
    expect(json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("keeps only what the informer maps each object to, where client-node's informer holds every object whole", async () => {
    const path = `/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies`;
    const ours = new Map<string, string>();
    let oursSaw!: () => void;
    const oursSeen = new Promise<void>((resolve) => (oursSaw = resolve));
    const informer = new ListWatch<string>(
      client,
      path,
      {
        onReset: (items) => items.forEach((value, key) => ours.set(key, value)),
        onUpsert: (key, value) => {
          ours.set(key, value);
          if (key.endsWith('/informed')) oursSaw();
        },
        onDelete: (key) => ours.delete(key),
        onError: () => undefined,
      },
      { backoff: { baseMs: 100, maxMs: 1000 }, pageSize: 1, map: (raw) => String((raw as { metadata: { resourceVersion: string } }).metadata.resourceVersion) },
    );
    const stock = new ClientNodeListWatch<KubernetesObject>(
      path,
      new Watch(stockConfig),
      async () => (await kube.kube<{ items: KubernetesObject[]; metadata: { resourceVersion: string } }>('GET', path)).body as never,
      false,
    );
    let stockSaw!: () => void;
    const stockSeen = new Promise<void>((resolve) => (stockSaw = resolve));
    stock.on('add', (object) => object.metadata?.name === 'informed' && stockSaw());
    informer.start();
    await stock.start();
    await kube.kube('POST', path, restrictive('informed'));
    await Promise.all([oursSeen, stockSeen]);
    await Promise.all([informer.stop(), stock.stop()]);

    // Ours: the mapped record (here the resourceVersion), the earlier objects listed a page at a time.
    expect(ours.get(`${NAMESPACE}/informed`)).toMatch(/^\d+$/);
    expect(ours.has(`${NAMESPACE}/watched`)).toBe(true);
    // client-node's: the whole object, field manager bookkeeping included.
    const held = stock.get('informed', NAMESPACE) as unknown as { spec?: unknown; metadata: { managedFields?: unknown[] } };
    expect(held.spec).toBeDefined();
    expect(held.metadata.managedFields?.length).toBeGreaterThan(0);
  });

  it("lists again after a 429 no sooner than its Retry-After, though the backoff is shorter", async () => {
    const proxy = await FaultProxy.start({ target: kube.url, caPem: kube.caPem, certPem: kube.servingCertPem, keyPem: kube.servingKeyPem });
    const proxied = await KubeClient.connect({ server: proxy.url, caData: kube.caData, token: kube.adminToken }, { requestTimeoutMs: 5000, userAgent: 'palisade-test' });
    proxy.inject({ match: (r) => !r.path.includes('watch=true'), times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const seen: { what: string; at: number }[] = [];
    let listed!: () => void;
    const reset = new Promise<void>((resolve) => (listed = resolve));
    const informer = new ListWatch<string>(
      proxied,
      `/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies`,
      {
        onReset: () => {
          seen.push({ what: 'listed', at: Date.now() });
          listed();
        },
        onUpsert: () => undefined,
        onDelete: () => undefined,
        onError: (error) => seen.push({ what: error.message, at: Date.now() }),
      },
      { backoff: { baseMs: 20, maxMs: 40 }, map: () => 'kept' },
    );
    try {
      informer.start();
      await reset;
      expect(seen.map((s) => s.what)).toEqual([expect.stringContaining('HTTP 429'), 'listed']);
      expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950); // Retry-After: 1, not the 20-40 ms backoff
    } finally {
      await informer.stop();
      proxied.close();
      await proxy.stop();
    }
  });
});
