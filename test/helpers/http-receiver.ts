/**
 * A local HTTP server that records every request (URL as the client asked for it, headers, raw
 * body) and answers 200, or what a test tells it to: the other end of a webhook or a provider
 * callback.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the receiver got. */
export interface ReceivedRequest {
  method: string;
  /** The full URL as the client requested it: http://127.0.0.1:port/path?query. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the receiver answers. */
export interface ReceiverAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A running receiver. */
export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** The next request not returned before; waits up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<ReceivedRequest>;
  /** The following requests are answered by `answer` (default: 200 with an empty body). */
  answerWith(answer: ReceiverAnswer | ((req: ReceivedRequest) => ReceiverAnswer)): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1. */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  let taken = 0;
  const waiters: ((r: ReceivedRequest) => void)[] = [];
  let answer: ReceiverAnswer | ((req: ReceivedRequest) => ReceiverAnswer) = { status: 200 };
  const sockets = new Set<Socket>();
  let base = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? 'GET', url: base + (req.url ?? '/'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      const a = typeof answer === 'function' ? answer(received) : answer;
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
      const waiter = waiters.shift();
      if (waiter) {
        taken++;
        waiter(received);
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    next(timeoutMs = 5000) {
      if (taken < requests.length) return Promise.resolve(requests[taken++]);
      return new Promise((resolve, reject) => {
        const waiter = (r: ReceivedRequest) => { clearTimeout(timer); resolve(r); };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    answerWith(a) {
      answer = a;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
