/** A throwaway HTTP server that records each raw request for the SigV4 tests. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';

/** One request exactly as it arrived (path and query raw, body bytes). */
export interface Captured {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Canned body that keeps the SDKs and botocore happy for any ssm-incidents/ssm-contacts call. */
const INCIDENTS_BODY = JSON.stringify({ arn: 'x', name: 'n', incidentTemplate: { title: 't', impact: 1 }, tags: {} });

/** Starts the capture server on 127.0.0.1:0. */
export async function startCaptureServer(): Promise<{ port: number; endpoint: string; requests: Captured[]; close(): Promise<void> }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      requests.push({
        method: req.method ?? 'GET',
        path: q < 0 ? url : url.slice(0, q),
        query: q < 0 ? '' : url.slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const contacts = req.headers['x-amz-target'] !== undefined;
      res.writeHead(200, { 'content-type': contacts ? 'application/x-amz-json-1.1' : 'application/json' });
      res.end(contacts ? '{}' : INCIDENTS_BODY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Environment for aws CLI / boto3 children: only the example credentials, no config or profile files. */
export function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    PYTHONIOENCODING: 'utf-8',
  };
}

/** Runs a command without blocking the event loop (the capture server lives in this process). */
export function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { env: cliEnv(), timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** True when the command runs at all (used to skip CLI/botocore tests on machines without them). */
export function available(cmd: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile(cmd, args, { env: cliEnv(), timeout: 60_000 }, (err) => resolve(!err)));
}
