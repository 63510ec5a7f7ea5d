import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  json: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1; `answer` picks the status of the n-th request (0-based), given its event; 0: no answer at all. */
export async function startWebhookReceiver(answer: (index: number, event: string) => number = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = answer(received.length, String(req.headers['x-palisade-event']));
      received.push({ headers: req.headers, body, json: JSON.parse(body) as Record<string, unknown> });
      if (status === 0) return; // never answers
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : `receiver says ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/palisade`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The receiver's check, as the README shows it: HMAC-SHA256 of "<timestamp>.<raw body>", compared in constant time. */
export function signatureIsValid(secret: string, request: ReceivedWebhook): boolean {
  const timestamp = String(request.headers['x-palisade-timestamp']);
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`);
  const given = Buffer.from(String(request.headers['x-palisade-signature']));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
