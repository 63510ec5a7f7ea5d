import { Agent, createServer, request, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy does to a matching request instead of (or before) forwarding it. */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'latency'; ms: number }
  /** Closes the connection without an answer. */
  | { kind: 'drop' };

export interface FaultRule {
  fault: Fault;
  /** Which requests; all when absent. */
  match?: (req: { method: string; path: string; userAgent: string }) => boolean;
  /** How many matching requests it applies to; unlimited when absent. */
  times?: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  userAgent: string;
  /** The status the client saw (0 for a dropped connection). */
  status: number;
}

/**
 * An HTTPS proxy between the sync worker and a real kube-apiserver that injects the faults the
 * server cannot produce on demand: latency, dropped connections, 500s, 429s, and being down
 * altogether. It presents the API server's own serving certificate, so clients keep verifying TLS
 * with the cluster's CA. Only ever listens on and forwards to 127.0.0.1.
 */
export class FaultProxy {
  readonly log: ProxiedRequest[] = [];
  private rules: (FaultRule & { used: number })[] = [];
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly upstream: URL;
  private readonly agent: Agent;
  private boundPort = 0;

  private constructor(
    private readonly options: { target: string; caPem: string; certPem: string; keyPem: string },
  ) {
    this.upstream = new URL(options.target);
    if (this.upstream.hostname !== '127.0.0.1') throw new Error('the fault proxy only forwards to 127.0.0.1');
    this.agent = new Agent({ ca: options.caPem, keepAlive: true, maxSockets: 64 });
    this.server = this.createServer();
  }

  static async start(options: { target: string; caPem: string; certPem: string; keyPem: string }): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await proxy.listen(0);
    return proxy;
  }

  get url(): string {
    return `https://127.0.0.1:${this.boundPort}`;
  }

  /** Adds a fault; returns a function that removes it. */
  inject(rule: FaultRule): () => void {
    const entry = { ...rule, used: 0 };
    this.rules.push(entry);
    return () => {
      this.rules = this.rules.filter((r) => r !== entry);
    };
  }

  clearFaults(): void {
    this.rules = [];
  }

  /** Down: stops listening and cuts every open connection (connection refused). Up: listens on the same port again. */
  async setDown(down: boolean): Promise<void> {
    if (down) {
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        for (const socket of this.sockets) socket.destroy();
      });
    } else {
      this.server = this.createServer();
      await this.listen(this.boundPort);
    }
  }

  /** Cuts every open connection (watches included) without going down. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    this.agent.destroy();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const address = this.server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  }

  private createServer(): Server {
    const server = createServer({ cert: this.options.certPem, key: this.options.keyPem }, (req, res) => void this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  /** The first rule (in the order added) that still applies to the request: one fault per request. */
  private takeFault(info: { method: string; path: string; userAgent: string }): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      if (rule.match && !rule.match(info)) continue;
      rule.used++;
      return rule.fault;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const info = { method: req.method ?? 'GET', path: req.url ?? '/', userAgent: String(req.headers['user-agent'] ?? '') };
    const entry: ProxiedRequest = { ...info, status: 0 };
    this.log.push(entry);
    const fault = this.takeFault(info);
    if (fault?.kind === 'latency') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    } else if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    } else if (fault?.kind === 'status') {
      entry.status = fault.status;
      res.writeHead(fault.status, {
        'Content-Type': 'application/json',
        ...(fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {}),
      });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `injected ${fault.status}`, code: fault.status }));
      return;
    }
    const upstreamReq = request(
      new URL(info.path, this.upstream),
      { method: info.method, headers: { ...req.headers, host: this.upstream.host }, agent: this.agent },
      (upstreamRes) => {
        entry.status = upstreamRes.statusCode ?? 0;
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => upstreamReq.destroy());
    req.pipe(upstreamReq);
  }
}
