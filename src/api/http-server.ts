/**
 * The one HTTP listener: /health for probes, the plain routes (acknowledgement links, provider
 * callbacks), everything else to the AWS API. Bodies are buffered up to a limit (413 beyond it, answered in the AWS error shape); shutdown stops
 * accepting, lets in-flight requests finish, then resolves.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AwsApi } from './aws-api.js';
import type { PlainRoutes } from './page-routes.js';
import type { RawRequest, RawResponse } from './protocols/http-request.js';

/** Options of the HTTP server. */
export interface HttpServerOptions {
  api: AwsApi;
  maxBodyBytes: number;
  logger: Logger;
  /** Answers GET /health with 200 once true. */
  isReady: () => boolean;
  /** Plain-HTTP routes tried before the AWS API (acknowledgement links, provider callbacks). */
  routes?: PlainRoutes;
  /** How long close() lets in-flight requests finish before cutting them (default 10 s). */
  shutdownGraceMs?: number;
}

/** A listening server and how to stop it. */
export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, waits for in-flight requests (at most `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

/** Starts listening on host:port. */
export function startHttpServer(opts: HttpServerOptions, host: string, port: number): Promise<RunningServer> {
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (closing && inFlight === 0) drained?.();
    });
    if (closing) res.setHeader('connection', 'close');
    serve(req, res, opts).catch((err) => {
      if (req.destroyed || err?.code === 'ECONNRESET' || err?.message === 'aborted') return; // the client went away
      opts.logger.error('unhandled error in request', { error: String(err?.stack ?? err) });
      if (!res.headersSent) send(res, { status: 500, headers: {}, body: '' });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${addr.port}`,
        port: addr.port,
        close: (graceMs = opts.shutdownGraceMs ?? 10_000) => new Promise<void>((done) => {
          closing = true;
          // In-flight requests get `graceMs` to finish; then their connections are cut, so a
          // stalled client cannot hold a shutdown past a supervisor's kill timeout.
          const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
          server.close(() => {
            clearTimeout(deadline);
            done();
          });
          server.closeIdleConnections();
          if (inFlight === 0) return;
          drained = () => server.closeIdleConnections();
        }),
      });
    });
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, opts: HttpServerOptions): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
    const ready = opts.isReady();
    send(res, { status: ready ? 200 : 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: ready ? 'ok' : 'starting' }) });
    return;
  }
  const raw: RawRequest = { method, path, query, headers: req.headers, body: Buffer.alloc(0), remoteAddress: unmapped(req.socket.remoteAddress) };
  if (!opts.isReady()) {
    req.resume();
    const out = await opts.api.handle(raw, new ProtocolError('ServiceUnavailableException', 503, 'Tocsin is starting or stopping; retry shortly.'));
    send(res, { ...out, headers: { ...out.headers, 'retry-after': '1' } });
    return;
  }
  try {
    raw.body = await readBody(req, opts.maxBodyBytes);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    const out = await opts.api.handle(raw, err);
    send(res, { ...out, headers: { ...out.headers, connection: 'close' } });
    return;
  }
  const plain = opts.routes && (await opts.routes(raw));
  send(res, plain ?? (await opts.api.handle(raw)));
}

function send(res: ServerResponse, out: RawResponse): void {
  const headers: Record<string, string | number> = { ...out.headers };
  if (out.body !== undefined) headers['content-length'] = Buffer.byteLength(out.body);
  else headers['content-length'] = 0;
  res.writeHead(out.status, headers);
  res.end(out.body);
}

/** Reads the whole body, or throws ProtocolError 413 once it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tooLarge(limit: number): ProtocolError {
  return new ProtocolError('RequestEntityTooLargeException', 413, `Request body exceeds the limit of ${limit} bytes (TOCSIN_MAX_BODY_BYTES)`);
}

/** '::ffff:127.0.0.1' (an IPv4 client on a dual-stack socket) as '127.0.0.1', for IpAddress conditions. */
function unmapped(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
