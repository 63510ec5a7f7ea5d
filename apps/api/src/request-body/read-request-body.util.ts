import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request, Response } from 'express';
import getRawBody from 'raw-body';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Whether the request announces a body (a Content-Length above 0, or a chunked transfer). */
export function hasRequestBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function decoded(request: Request): Readable {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  switch (encoding) {
    case 'identity':
      return request;
    case 'gzip':
      return request.pipe(createGunzip());
    case 'deflate':
      return request.pipe(createInflate());
    case 'br':
      return request.pipe(createBrotliDecompress());
    default:
      throw new UnsupportedMediaTypeException(`Content-Encoding "${encoding}" is not supported (identity, gzip, deflate or br)`);
  }
}

function tooLarge(maxBytes: number, setting: string): PayloadTooLargeException {
  return new PayloadTooLargeException(`request body is larger than ${maxBytes} bytes (${setting})`);
}

/**
 * Reads the whole body as UTF-8 text, at most `maxBytes` (after any Content-Encoding). A larger
 * Content-Length is refused before a byte is read; a body that turns out larger while streaming
 * (chunked, or compressed) is refused as soon as it passes the limit, and the connection is closed
 * rather than drained, so an endless body is never read to its end.
 */
export async function readRequestBody(request: Request, response: Response, maxBytes: number, setting: string): Promise<string> {
  const charset = /;\s*charset=("?)([^";\s]+)\1/i.exec(request.headers['content-type'] ?? '')?.[2]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeException(`charset "${charset}" is not supported: send UTF-8`);
  }
  const identity = (request.headers['content-encoding'] ?? 'identity').toLowerCase() === 'identity';
  const declared = Number(request.headers['content-length']);
  if (identity && Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes, setting);
  const stream = decoded(request);
  try {
    const bytes = await getRawBody(stream, { limit: maxBytes, ...(identity && Number.isFinite(declared) ? { length: declared } : {}) });
    response.removeHeader('Connection');
    let text: string;
    try {
      // Fatal: bytes that are not UTF-8 are refused, never stored as U+FFFD.
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new BadRequestException('the request body is not valid UTF-8');
    }
    return text;
  } catch (error) {
    if (error instanceof BadRequestException) throw error;
    stream.unpipe?.();
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw tooLarge(maxBytes, setting);
    if (type === 'request.aborted') throw new BadRequestException('the request was aborted before its body ended');
    if (type === 'request.size.invalid') throw new BadRequestException('the request body is shorter or longer than its Content-Length');
    throw new BadRequestException(`the request body could not be read: ${(error as Error).message}`);
  }
}

/** How long a connection answered before its body was read keeps discarding what the client still sends. */
const LINGER_MS = 2_000;

/**
 * Marks a request that carries a body to close its connection after the response, unless the body
 * is read in full (readRequestBody then removes the mark), so a request refused before its body is
 * read (401, 403, 413) is never drained into the service. The close lingers, as web servers' do: the
 * answer is sent and the sending side shut, then whatever the client is still writing is discarded
 * (never parsed) until its body ends or for at most LINGER_MS, and only then is the socket
 * destroyed. An immediate close resets the connection under a client still uploading, which then
 * reports EPIPE or ECONNRESET instead of the 401 or 403 it was sent.
 */
export function closeUnreadBodies(request: Request, response: Response, next: () => void): void {
  if (hasRequestBody(request)) {
    response.setHeader('Connection', 'close');
    const socket = request.socket as Socket & { destroySoon?: () => void };
    const destroySoon = socket.destroySoon?.bind(socket);
    // Node's HTTP server calls destroySoon() once the last response on a closing connection is sent.
    socket.destroySoon = () => {
      if (request.complete || response.getHeader('Connection') !== 'close') {
        (destroySoon ?? (() => socket.end()))();
        return;
      }
      socket.end();
      const done = (): void => {
        clearTimeout(timer);
        socket.destroy();
      };
      const timer = setTimeout(done, LINGER_MS);
      timer.unref();
      request.once('end', done);
      request.once('error', done);
      socket.once('close', () => clearTimeout(timer));
      request.resume();
    };
  }
  next();
}
