/**
 * AWS restJson1 driven by the service model: routing by HTTP method and URI template,
 * input assembled from path labels, query string, headers and the JSON body, output and
 * errors encoded as the model says (WIRE.md records what the clients accept).
 */
import { ProtocolError } from '../../errors.js';
import type { AwsError } from '../aws-errors.js';
import type { OperationModel, ServiceModel } from '../model.js';
import { coerceScalar } from '../shape-codec.js';
import { decodeLabel, parseQuery, type RawRequest, type RawResponse } from './http-request.js';

interface Route {
  operation: string;
  method: string;
  /** Matches the raw path; groups are the labels in `labels` order. */
  pattern: RegExp;
  labels: string[];
  /** Literal routes are tried first, then by descending literal length. */
  literalLength: number;
}

/** A compiled router for one restJson service. */
export class RestJsonProtocol {
  private readonly exact = new Map<string, string>();
  private readonly templated: Route[] = [];

  constructor(readonly model: ServiceModel) {
    for (const [name, op] of Object.entries(model.operations)) {
      const [pathPart] = op.http.requestUri.split('?');
      if (!pathPart.includes('{')) {
        this.exact.set(`${op.http.method} ${pathPart}`, name);
        continue;
      }
      const labels: string[] = [];
      let literalLength = 0;
      const source = pathPart.split(/(\{[^}]+\})/).map((piece) => {
        const m = /^\{([^}+]+)(\+)?\}$/.exec(piece);
        if (!m) {
          literalLength += piece.length;
          return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        }
        labels.push(m[1]);
        return m[2] ? '(.+)' : '([^/]+)';
      }).join('');
      this.templated.push({ operation: name, method: op.http.method, pattern: new RegExp(`^${source}$`), labels, literalLength });
    }
    this.templated.sort((a, b) => b.literalLength - a.literalLength);
  }

  /** Finds the operation for a request, with its decoded path labels; undefined if none matches. */
  route(req: RawRequest): { operation: string; labels: Record<string, string> } | undefined {
    const exact = this.exact.get(`${req.method} ${req.path}`) ?? this.exact.get(`${req.method} ${req.path.replace(/\/+$/, '')}`);
    if (exact) return { operation: exact, labels: {} };
    for (const route of this.templated) {
      if (route.method !== req.method) continue;
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      const labels: Record<string, string> = {};
      route.labels.forEach((label, i) => (labels[label] = decodeLabel(m[i + 1])));
      return { operation: route.operation, labels };
    }
    return undefined;
  }

  /** Builds the unvalidated input object for `operation` from the request. */
  readInput(operation: string, req: RawRequest, labels: Record<string, string>): Record<string, unknown> {
    const op = this.model.operations[operation];
    if (!op.input) return {};
    const shape = this.model.shapes[op.input.shape];
    let body: Record<string, unknown> = {};
    const hasBodyMembers = Object.values(shape.members ?? {}).some((m) => !m.location);
    if (hasBodyMembers && req.body.length > 0) body = parseJsonObject(req.body);
    const input: Record<string, unknown> = {};
    let query: Map<string, string[]> | undefined;
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const wireName = ref.locationName ?? name;
      switch (ref.location) {
        case 'uri':
          if (labels[wireName] !== undefined) input[name] = coerceScalar(this.model, ref.shape, labels[wireName]);
          break;
        case 'querystring': {
          query ??= parseQuery(req.query);
          const values = query.get(wireName);
          if (values) input[name] = coerceScalar(this.model, ref.shape, this.model.shapes[ref.shape].type === 'list' ? values : values[0]);
          break;
        }
        case 'header': {
          const value = req.headers[wireName.toLowerCase()];
          if (value !== undefined) input[name] = coerceScalar(this.model, ref.shape, Array.isArray(value) ? value.join(',') : value);
          break;
        }
        default:
          if (body[name] !== undefined) input[name] = body[name];
      }
    }
    return input;
  }

  /** Encodes a successful output. */
  writeOutput(operation: string, output: unknown): RawResponse {
    const op: OperationModel = this.model.operations[operation];
    const status = op.http.responseCode ?? 200;
    if (status === 204 || !op.output) return { status, headers: {} };
    return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(output ?? {}) };
  }

  /** Encodes an error: status, X-Amzn-ErrorType, and a body of the shape's members. */
  writeError(error: AwsError): RawResponse {
    const body: Record<string, unknown> = { __type: error.name, message: error.message };
    const shape = this.model.shapes[error.name];
    for (const [key, value] of Object.entries(error.fields)) {
      if (value === undefined || value === null) continue;
      if (shape?.members?.[key]) body[key] = value;
    }
    return {
      status: error.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.name },
      body: JSON.stringify(body),
    };
  }
}

/** Parses a JSON request body that must be an object, or throws SerializationException. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ProtocolError('SerializationException', 400, `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProtocolError('SerializationException', 400, 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
