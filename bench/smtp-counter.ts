/**
 * A lean SMTP sink for benchmarks: a real smtp-server on 127.0.0.1 that records, for every
 * message, when its DATA ended (wall clock and process.hrtime), the recipient, the Subject
 * header and Tocsin's X-Tocsin-Kind header. Only the header block is looked at; bodies are
 * discarded unparsed, except activation-code messages (a few hundred at setup), which
 * mailparser decodes so the code can be read as a person would ("... is 123456. ...").
 * No STARTTLS, no AUTH, no reverse DNS lookup of the client. smtp-server waits 100 ms before
 * its 220 greeting on every new connection (to catch clients that talk too early, as many
 * MTAs do); `instantGreeting` removes that wait.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

/** One accepted message. */
export interface Arrival {
  /** Date.now() when the message's DATA ended (compare with the server's timestamps). */
  wallMs: number;
  /** process.hrtime in ms at the same moment (compare with this process's request timings). */
  monoMs: number;
  to: string;
  subject: string;
  kind: string;
}

/** A running sink. */
export interface SmtpCounter {
  port: number;
  url: string;
  /** Every page message (kind other than activation-code), in arrival order. */
  arrivals: Arrival[];
  /** Called for each page message as it arrives (after it is recorded). */
  onArrival?: (a: Arrival) => void;
  /** Resolves with the activation code sent to `address` (waits up to `timeoutMs`). */
  activationCode(address: string, timeoutMs?: number): Promise<string>;
  /** Connections accepted so far (the server's SMTP pool opens and recycles them). */
  connections(): number;
  close(): Promise<void>;
}

const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Reads one header (unfolded) out of a raw header block. */
function header(block: string, name: string): string {
  const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(block);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : '';
}

/** Servers whose connections greet at once (see instantGreeting). */
const instant = new WeakSet<object>();
let patched = false;
function greetInstantly(server: SMTPServer): void {
  instant.add(server);
  if (patched) return;
  patched = true;
  const init = SMTPConnection.prototype.init;
  SMTPConnection.prototype.init = function (this: { _server: object; _setListeners(cb: () => void): void; connectionReady(): void }) {
    if (!instant.has(this._server)) return init.call(this);
    this._setListeners(() => this.connectionReady());
  };
}

/** Starts the sink on an ephemeral port of 127.0.0.1. */
export async function startSmtpCounter(opts: { instantGreeting?: boolean } = {}): Promise<SmtpCounter> {
  const codes = new Map<string, string>();
  const waiters = new Map<string, (code: string) => void>();
  let connections = 0;
  const sink: SmtpCounter = {
    port: 0,
    url: '',
    arrivals: [],
    activationCode(address, timeoutMs = 10_000) {
      const key = address.toLowerCase();
      const have = codes.get(key);
      if (have) {
        codes.delete(key);
        return Promise.resolve(have);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(key);
          reject(new Error(`no activation code for ${address} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(key, (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
    connections: () => connections,
    close: async () => {},
  };
  const gotCode = (address: string, code: string) => {
    const w = waiters.get(address);
    if (w) {
      waiters.delete(address);
      w(code);
    } else codes.set(address, code);
  };

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    disableReverseLookup: true,
    closeTimeout: 200,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        // The header block is all we need of a page; keep the first 16 KiB (activation mails are short).
        if (size < 16_384) chunks.push(c);
        size += c.length;
      });
      stream.on('end', () => {
        const wallMs = Date.now();
        const mono = monoMs();
        const raw = Buffer.concat(chunks).toString('latin1');
        const end = raw.search(/\r?\n\r?\n/);
        const block = end >= 0 ? raw.slice(0, end) : raw;
        const to = (session.envelope.rcptTo[0]?.address ?? '').toLowerCase();
        const kind = header(block, 'X-Tocsin-Kind');
        if (kind === 'activation-code') {
          simpleParser(raw).then((parsed) => {
            const code = /is ([\d ]+)\./.exec(parsed.text ?? '')?.[1]?.replace(/ /g, '');
            if (code) gotCode(to, code);
            callback();
          }, (err: Error) => callback(err));
          return;
        }
        const a: Arrival = { wallMs, monoMs: mono, to, subject: header(block, 'Subject'), kind };
        sink.arrivals.push(a);
        try {
          sink.onArrival?.(a);
        } finally {
          callback();
        }
      });
    },
  });
  if (opts.instantGreeting) greetInstantly(server);
  const sockets = new Set<import('node:net').Socket>();
  server.server.on('connection', (s: import('node:net').Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  sink.close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return sink;
}
