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
import { toAwsError, type AwsError } from './aws-errors.js';
import type { ServiceModel } from './model.js';
import type { Caller, OperationHandler, RequestContext } from './operation.js';
import type { RawRequest, RawResponse } from './protocols/http-request.js';
import { JsonRpcProtocol } from './protocols/json-rpc.js';
import { isFormRequest, QueryProtocol, readQueryParams, type QueryParams } from './protocols/query.js';
import { RestJsonProtocol } from './protocols/rest-json.js';
import { compileInput, compileOutput } from './shape-codec.js';
import { signingServiceOf, verifySignature, type SecretLookup } from './sigv4.js';

/** One served AWS service: its model and one handler per operation it implements. */
export interface ServiceDefinition {
  model: ServiceModel;
  /** Smithy namespace used in error `__type` (json protocols; any string for query). */
  namespace: string;
  handlers: Record<string, OperationHandler>;
}

/** Resolves a verified access key to the calling principal. */
/** Resolves a verified access key (with its session token, and where it was used) to the calling principal. */
export type CallerLookup = (accessKeyId: string, use: { sessionToken?: string; service: string; region: string }) => Promise<Caller | undefined>;

/**
 * The one authorization decision: allows the request (returning the account it acts in) or
 * throws AccessDeniedError. `service` is the IAM service prefix (the signing name).
 */
export type Authorize = (caller: Caller, service: string, operation: string, input: Record<string, unknown>, request: { sourceIp?: string }) => Promise<{ account: string }>;

/** Options of the AWS API dispatcher. */
export interface AwsApiOptions {
  authorize: Authorize;
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
  query?: QueryProtocol;
  /** Regions a signature may be scoped to. */
  regions: string[];
}

/** Encodes errors in a protocol's shape. */
interface Encoder {
  writeError(error: AwsError, requestId: string): RawResponse;
}

/** What routing found out about a request so far; the error path encodes with it. */
interface Call {
  served?: Served;
  operation?: string;
  encoder?: Encoder;
}

/**
 * The region global services (IAM, STS) are signed for: the SDKs and the aws CLI sign IAM for
 * us-east-1 (and STS for it on the global endpoint) whatever region they are configured with.
 */
const GLOBAL_REGION = 'us-east-1';

/** Dispatches AWS requests to handlers. */
export class AwsApi {
  private readonly rest: Served[] = [];
  private readonly byTarget = new Map<string, Served>();
  /** Query services by the service name of their credential scope (iam, sts). */
  private readonly byScope = new Map<string, Served>();
  private readonly inputs = new Map<string, (v: unknown) => any>();
  private readonly outputs = new Map<string, (v: unknown) => any>();

  constructor(private readonly opts: AwsApiOptions) {
    for (const def of opts.services) {
      const { protocol, globalEndpoint } = def.model.metadata;
      const regions = globalEndpoint && opts.region !== GLOBAL_REGION ? [opts.region, GLOBAL_REGION] : [opts.region];
      if (protocol === 'rest-json') this.rest.push({ def, regions, rest: new RestJsonProtocol(def.model) });
      else if (protocol === 'json') {
        const json = new JsonRpcProtocol(def.model, def.namespace);
        this.byTarget.set(json.targetPrefix, { def, regions, json });
      } else if (protocol === 'query') {
        this.byScope.set(signingName(def), { def, regions, query: new QueryProtocol(def.model) });
      } else throw new Error(`protocol ${protocol} is not supported`);
    }
  }

  /**
   * Handles one AWS request end to end; never throws. `early` is an error found while
   * reading the request (body too large): it is answered in the service's error shape.
   */
  async handle(req: RawRequest, early?: Error): Promise<RawResponse> {
    const requestId = randomUUID();
    const call: Call = {};
    try {
      const { caller, input } = await this.open(req, early, call);
      const served = call.served!;
      const operation = call.operation!;
      const handler = served.def.handlers[operation];
      if (!handler) throw new ProtocolError('UnknownOperationException', 400, `Operation ${operation} is not implemented by Tocsin`);
      const validated = this.inputCodec(served, operation)(input);
      // Authorization after input validation (bad input is a 400 whoever asks), before the handler.
      const { account } = await this.opts.authorize(caller, signingName(served.def), operation, validated, { sourceIp: req.remoteAddress });
      const actor = account === caller.accountId ? caller : { ...caller, accountId: account };
      const ctx: RequestContext = {
        requestId, caller, actor, services: this.opts.appServices, region: this.opts.region, operation,
      };
      const result = await handler(validated, ctx);
      const output = this.outputCodec(served, operation)(result ?? {});
      const res = served.rest ? served.rest.writeOutput(operation, output)
        : served.query ? served.query.writeOutput(operation, output, requestId)
          : served.json!.writeOutput(output);
      res.headers['x-amzn-requestid'] = requestId;
      res.headers.date = this.date();
      return res;
    } catch (err) {
      const error = toAwsError(err, call.served?.def.model, call.operation);
      if (error.internal !== undefined) {
        this.opts.logger.error('request failed', { requestId, operation: call.operation, error: String((error.internal as Error)?.stack ?? error.internal) });
      } else if (!(err instanceof DomainError)) {
        this.opts.logger.warn('unexpected error value', { requestId, err: String(err) });
      }
      const res = (call.encoder ?? fallbackEncoder(req)).writeError(error, requestId);
      res.headers['x-amzn-requestid'] = requestId;
      res.headers.date = this.date();
      return res;
    }
  }

  /**
   * The Date header, from the one clock that also judges signature skew: the SDKs correct their
   * clock offset from it, so a client whose clock is off converges on the server's time.
   */
  private date(): string {
    return this.opts.clock.now().toUTCString();
  }

  /**
   * Routes the request to a service and operation (recorded in `call` as soon as known, so an
   * error is answered in that service's shape), verifies its signature and reads its input.
   * JSON 1.x is chosen by X-Amz-Target, the query protocol by the credential scope's service,
   * restJson by method and path.
   */
  private async open(req: RawRequest, early: Error | undefined, call: Call): Promise<{ caller: Caller; input: Record<string, unknown> }> {
    const target = header(req, 'x-amz-target');
    if (target) {
      const served = this.byTarget.get(target.slice(0, target.lastIndexOf('.')));
      if (!served) throw new ProtocolError('UnknownOperationException', 400, `Unknown operation ${target}`);
      call.served = served;
      call.encoder = served.json!;
      const operation = served.json!.route(target);
      if (!operation || req.method !== 'POST') throw new ProtocolError('UnknownOperationException', 400, `Unknown operation ${target}`);
      call.operation = operation;
      if (early) throw early;
      const caller = await this.authenticate(req, served);
      return { caller, input: served.json!.readInput(req) };
    }
    let params: QueryParams | undefined;
    const queryParams = () => (params ??= readQueryParams(req));
    const query = this.queryService(req, queryParams);
    if (query) {
      call.served = query;
      call.encoder = query.query!;
      if (early) throw early;
      const operation = query.query!.route(queryParams());
      call.operation = operation;
      const caller = await this.authenticate(req, query);
      return { caller, input: query.query!.readInput(operation, queryParams()) };
    }
    let match: { operation: string; labels: Record<string, string> } | undefined;
    let served: Served | undefined;
    for (const s of this.rest) {
      match = s.rest!.route(req);
      if (match) {
        served = s;
        break;
      }
    }
    served ??= this.rest[0];
    call.served = served;
    call.encoder = served?.rest;
    if (early) throw early;
    if (!match || !served) throw new ProtocolError('UnknownOperationException', 404, `Unknown operation ${req.method} ${req.path}`);
    call.operation = match.operation;
    const caller = await this.authenticate(req, served);
    return { caller, input: served.rest!.readInput(match.operation, req, match.labels) };
  }

  /**
   * The query service a request is for: the one its credential scope names (`.../iam/aws4_request`,
   * header or presigned). An unsigned form POST (or GET with Action) to / goes to the service
   * whose model has that Action (else the first), so it is refused in that service's XML.
   */
  private queryService(req: RawRequest, params: () => QueryParams): Served | undefined {
    // Query-protocol clients always call '/'; restJson paths never are (and skip the header parse).
    if (this.byScope.size === 0 || req.path !== '/') return undefined;
    const scoped = signingServiceOf(req);
    if (scoped !== undefined) return this.byScope.get(scoped);
    if (!isFormRequest(req) && !/(?:^|&)Action=/.test(req.query)) return undefined;
    const action = params().get('Action');
    const all = [...this.byScope.values()];
    return all.find((s) => s.query!.hasOperation(action)) ?? all[0];
  }

  /** Verifies the signature and returns the caller. */
  private async authenticate(req: RawRequest, served: Served): Promise<Caller> {
    const sig = await verifySignature(req, this.opts.secrets, {
      now: this.opts.clock.now(),
      services: [signingName(served.def)],
      regions: served.regions,
    });
    const caller = await this.opts.callers(sig.accessKeyId, { sessionToken: sig.sessionToken, service: sig.service, region: sig.region });
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

function signingName(def: ServiceDefinition): string {
  return def.model.metadata.signingName ?? def.model.metadata.endpointPrefix;
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
