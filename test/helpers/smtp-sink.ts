/**
 * A real SMTP server (smtp-server) on an ephemeral port in the test process. Every accepted
 * message is parsed with mailparser; a test awaits the next one (for a recipient), can require
 * AUTH, refuse recipients with a 5xx or 4xx reply, or cut the connection mid-transaction.
 * Plain SMTP on 127.0.0.1: STARTTLS is not offered, AUTH is allowed without TLS.
 */
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the sink accepted. */
export interface ReceivedMail {
  /** MAIL FROM and RCPT TO addresses. */
  envelope: { from: string; to: string[] };
  /** The user that authenticated on the connection, if any. */
  authUser?: string;
  parsed: ParsedMail;
  /** The message as transmitted (headers and body). */
  raw: string;
}

/** A running sink. */
export interface SmtpSink {
  port: number;
  /** smtp://[user:pass@]127.0.0.1:port, for TOCSIN_SMTP_URL. */
  url(auth?: { user: string; pass: string }): string;
  /** Every accepted message, in order. */
  received: ReceivedMail[];
  /** The next accepted message (to `to`, when given) not returned before; waits up to `timeoutMs`. */
  nextMessage(opts?: { to?: string; timeoutMs?: number }): Promise<ReceivedMail>;
  /** RCPT TO `address` is answered `code message` (e.g. 550 or 450) from now on. */
  refuseRecipient(address: string, code: number, message?: string): void;
  /** The next MAIL FROM gets no answer: the connection is cut instead. */
  dropNextTransaction(): void;
  close(): Promise<void>;
}

/** Starts a sink on 127.0.0.1; with `auth`, only that user and password may send. */
export async function startSmtpSink(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const claimed = new Set<ReceivedMail>();
  const waiters: { to?: string; resolve: (m: ReceivedMail) => void }[] = [];
  const refusals = new Map<string, { code: number; message: string }>();
  const sockets = new Set<Socket>();
  let dropNext = false;

  const matches = (m: ReceivedMail, to?: string) => !to || m.envelope.to.some((a) => a.toLowerCase() === to.toLowerCase());
  const deliver = (mail: ReceivedMail) => {
    received.push(mail);
    const i = waiters.findIndex((w) => matches(mail, w.to));
    if (i >= 0) {
      claimed.add(mail);
      waiters.splice(i, 1)[0].resolve(mail);
    }
  };
  const replyError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

  const server = new SMTPServer({
    logger: false,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) callback(null, { user: auth.username });
      else callback(replyError(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, session, callback) {
      if (opts.auth && !session.user) return callback(replyError(530, '5.7.0 Authentication required'));
      if (dropNext) {
        dropNext = false;
        for (const s of sockets) s.destroy();
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const refusal = refusals.get(address.address.toLowerCase());
      callback(refusal ? replyError(refusal.code, refusal.message) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((parsed) => {
          deliver({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            authUser: typeof session.user === 'string' ? session.user : undefined,
            parsed,
            raw,
          });
          callback();
        }, (err: Error) => callback(err));
      });
    },
  });
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: (auth) => `smtp://${auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : ''}127.0.0.1:${port}`,
    received,
    nextMessage({ to, timeoutMs = 5000 } = {}) {
      const ready = received.find((m) => !claimed.has(m) && matches(m, to));
      if (ready) {
        claimed.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        const waiter = { to, resolve: (m: ReceivedMail) => { clearTimeout(timer); resolve(m); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no message${to ? ` to ${to}` : ''} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    refuseRecipient(address, code, message = code >= 500 ? '5.1.1 Recipient address rejected: User unknown' : '4.2.1 Mailbox temporarily unavailable, try again later') {
      refusals.set(address.toLowerCase(), { code, message });
    },
    dropNextTransaction() {
      dropNext = true;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
