/**
 * The baseline: a bare Node.js HTTP server in its own process that reads each request body
 * and answers 200 with a fixed JSON body shaped like StartIncident's output. It does no
 * signature check, no parsing, no database: what is left is Node's HTTP cost, so Tocsin's
 * rate divided by this one is the share of the machine Tocsin's own work leaves.
 *
 *   node --import tsx bench/baseline-server.ts [port]   (prints "listening on http://...")
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = JSON.stringify({
  incidentRecordArn: 'arn:aws:ssm-incidents::111122223333:incident-record/bench-new/2ac4a7d4-5b0e-4c52-9a0c-6e0e1b7a8f3d',
});
const HEADERS = {
  'content-type': 'application/json',
  'content-length': Buffer.byteLength(BODY),
  'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
};

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
