/**
 * The AWS face of Tocsin: finds the service and operation a request is for, verifies its
 * Signature V4, validates its input against the model, runs the handler and encodes the
 * result or error. Adding an operation means adding a handler file, nothing here.
 */
import { randomUUID } from 'node:crypto';
import type { AppServices } from '../app-context.js';
import { DomainError, ProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time/clock.js';
import { toAwsError } from './aws-errors.js';
import type { ServiceModel } from './model.js';
import type { Caller, OperationHandler, RequestContext } from './operation.js';
import type { RawRequest, RawResponse } from './protocols/http-request.js';
import { JsonRpcProtocol } from './protocols/json-rpc.js';
import { RestJsonProtocol } from './protocols/rest-json.js';
import { compileInput, compileOutput } from './shape-codec.js';
import { verifySignature, type SecretLookup } from './sigv4.js';

/** One served AWS service: its model and one handler per operation it implements. */
export interface ServiceDefinition {
  model: ServiceModel;
  /** Smithy namespace used in error `__type` (json protocols). */
  namespace: string;
  handlers: Record<string, OperationHandler>;
}

/** Resolves a verified access key to the calling principal. */
export type CallerLookup = (accessKeyId: string) => Promise<Caller | undefined>;

/** Options of the AWS API dispatcher. */
export interface AwsApiOptions {
  services: ServiceDefinition[];
  appServices: AppServices;
  secrets: SecretLookup;
  callers: CallerLookup;
  clock: Clock;
  region: string;
  logger: Logger;
  /** Check outputs against the model (tests). */
  strictOutput?: boolean;
}

interface Served {
  def: ServiceDefinition;
  rest?: RestJsonProtocol;
  json?: JsonRpcProtocol;
}

type Encoder = Pick<RestJsonProtocol, 'writeError'>;

/** Dispatches AWS requests to handlers. */
export class AwsApi {
  private readonly rest: Served[] = [];
  private readonly byTarget = new Map<string, Served>();
  private readonly inputs = new Map<string, (v: unknown) => any>();
  private readonly outputs = new Map<string, (v: unknown) => any>();

  constructor(private readonly opts: AwsApiOptions) {
    for (const def of opts.services) {
      const protocol = def.model.metadata.protocol;
      if (protocol === 'rest-json') this.rest.push({ def, rest: new RestJsonProtocol(def.model) });
      else if (protocol === 'json') {
        const json = new JsonRpcProtocol(def.model, def.namespace);
        this.byTarget.set(json.targetPrefix, { def, json });
      } else throw new Error(`protocol ${protocol} is not supported`);
    }
  }

  /**
   * Handles one AWS request end to end; never throws. `early` is an error found while
   * reading the request (body too large): it is answered in the service's error shape.
   */
  async handle(req: RawRequest, early?: Error): Promise<RawResponse> {
    const requestId = randomUUID();
    let served: Served | undefined;
    let operation: string | undefined;
    let encoder: Encoder | undefined;
    try {
      let input: Record<string, unknown>;
      let caller: Caller;
      const target = header(req, 'x-amz-target');
      if (target) {
        served = this.byTarget.get(target.slice(0, target.lastIndexOf('.')));
        if (!served) throw new ProtocolError('UnknownOperationException', 400, `Unknown operation ${target}`);
        encoder = served.json!;
        operation = served.json!.route(target);
        if (!operation || req.method !== 'POST') throw new ProtocolError('UnknownOperationException', 400, `Unknown operation ${target}`);
        if (early) throw early;
        caller = await this.authenticate(req, served);
        input = served.json!.readInput(req);
      } else {
        let match: { operation: string; labels: Record<string, string> } | undefined;
        for (const s of this.rest) {
          match = s.rest!.route(req);
          if (match) {
            served = s;
            break;
          }
        }
        served ??= this.rest[0];
        encoder = served?.rest;
        if (early) throw early;
        if (!match || !served) throw new ProtocolError('UnknownOperationException', 404, `Unknown operation ${req.method} ${req.path}`);
        operation = match.operation;
        caller = await this.authenticate(req, served);
        input = served.rest!.readInput(operation, req, match.labels);
      }
      const handler = served.def.handlers[operation];
      if (!handler) throw new ProtocolError('UnknownOperationException', 400, `Operation ${operation} is not implemented by Tocsin`);
      const validated = this.inputCodec(served, operation)(input);
      const ctx: RequestContext = {
        requestId, caller, services: this.opts.appServices, region: this.opts.region, operation,
      };
      const result = await handler(validated, ctx);
      const output = this.outputCodec(served, operation)(result ?? {});
      const res = served.rest ? served.rest.writeOutput(operation, output) : served.json!.writeOutput(output);
      res.headers['x-amzn-requestid'] = requestId;
      return res;
    } catch (err) {
      const error = toAwsError(err, served?.def.model, operation);
      if (error.internal !== undefined) {
        this.opts.logger.error('request failed', { requestId, operation, error: String((error.internal as Error)?.stack ?? error.internal) });
      } else if (!(err instanceof DomainError)) {
        this.opts.logger.warn('unexpected error value', { requestId, err: String(err) });
      }
      const res = (encoder ?? fallbackEncoder(req)).writeError(error);
      res.headers['x-amzn-requestid'] = requestId;
      return res;
    }
  }

  /** Verifies the signature and returns the caller. */
  private async authenticate(req: RawRequest, served: Served): Promise<Caller> {
    const sig = await verifySignature(req, this.opts.secrets, {
      now: this.opts.clock.now(),
      services: [served.def.model.metadata.signingName ?? served.def.model.metadata.endpointPrefix],
      regions: [this.opts.region],
    });
    const caller = await this.opts.callers(sig.accessKeyId);
    if (!caller) throw new ProtocolError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
    return caller;
  }

  private inputCodec(served: Served, operation: string): (v: unknown) => any {
    const key = `${served.def.model.metadata.uid}/${operation}`;
    let codec = this.inputs.get(key);
    if (!codec) {
      const shape = served.def.model.operations[operation].input?.shape;
      codec = shape ? compileInput(served.def.model, shape) : () => ({});
      this.inputs.set(key, codec);
    }
    return codec;
  }

  private outputCodec(served: Served, operation: string): (v: unknown) => any {
    const key = `${served.def.model.metadata.uid}/${operation}`;
    let codec = this.outputs.get(key);
    if (!codec) {
      const shape = served.def.model.operations[operation].output?.shape;
      codec = shape ? compileOutput(served.def.model, shape, { strict: this.opts.strictOutput }) : () => ({});
      this.outputs.set(key, codec);
    }
    return codec;
  }
}

function header(req: RawRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** For requests no service claims: JSON if it looked like JSON 1.x, else restJson style. */
function fallbackEncoder(req: RawRequest): Encoder {
  const json = req.headers['x-amz-target'] !== undefined;
  return {
    writeError(error) {
      const body = json ? { __type: error.name, Message: error.message, message: error.message } : { __type: error.name, message: error.message };
      return {
        status: error.status,
        headers: { 'content-type': json ? 'application/x-amz-json-1.1' : 'application/json', 'x-amzn-errortype': error.name },
        body: JSON.stringify(body),
      };
    },
  };
}
