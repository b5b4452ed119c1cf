/**
 * AWS JSON 1.0/1.1: every operation is POST / with X-Amz-Target `<prefix>.<Operation>` and
 * the whole input as the JSON body; output is 200 with a JSON body; errors are 400 (500 for
 * server faults) with the name in body `__type` (botocore reads only that) and the header.
 */
import type { AwsError } from '../aws-errors.js';
import type { ServiceModel } from '../model.js';
import type { RawRequest, RawResponse } from './http-request.js';
import { parseJsonObject } from './rest-json.js';

/** A JSON 1.x protocol endpoint for one service model. */
export class JsonRpcProtocol {
  readonly targetPrefix: string;
  readonly contentType: string;
  private readonly namespace: string;

  constructor(readonly model: ServiceModel, namespace: string) {
    this.targetPrefix = model.metadata.targetPrefix!;
    this.contentType = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
    this.namespace = namespace;
  }

  /** The operation named by the X-Amz-Target header, or undefined if the model lacks it. */
  route(target: string): string | undefined {
    const dot = target.lastIndexOf('.');
    if (target.slice(0, dot) !== this.targetPrefix) return undefined;
    const name = target.slice(dot + 1);
    return Object.hasOwn(this.model.operations, name) ? name : undefined;
  }

  /** The unvalidated input: the JSON body ({} when empty). */
  readInput(req: RawRequest): Record<string, unknown> {
    return req.body.length === 0 ? {} : parseJsonObject(req.body);
  }

  /** Encodes a successful output. */
  writeOutput(output: unknown): RawResponse {
    return { status: 200, headers: { 'content-type': this.contentType }, body: JSON.stringify(output ?? {}) };
  }

  /** Encodes an error with PascalCase members as the JSON protocol's models spell them. */
  writeError(error: AwsError): RawResponse {
    const body: Record<string, unknown> = { __type: `${this.namespace}#${error.name}`, Message: error.message, message: error.message };
    const shape = this.model.shapes[error.name];
    const renamed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(error.fields)) {
      if (value === undefined || value === null) continue;
      const name = key === 'resourceIdentifier' ? 'ResourceId' : pascal(key);
      renamed[name] = pascalMembers(value);
    }
    if (error.name === 'ValidationException') {
      body.Reason = error.fields.reason ?? 'FIELD_VALIDATION_FAILED';
      if (error.fields.field) body.Fields = [{ Name: error.fields.field, Message: error.message }];
    }
    for (const [key, value] of Object.entries(renamed)) if (shape?.members?.[key]) body[key] = value;
    return {
      status: error.status >= 500 ? 500 : 400,
      headers: { 'content-type': this.contentType, 'x-amzn-errortype': error.name },
      body: JSON.stringify(body),
    };
  }
}

function pascal(key: string): string {
  return key[0]!.toUpperCase() + key.slice(1);
}

/** Nested members too (ConflictException's DependentEntities: RelationType, DependentResourceIds). */
function pascalMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalMembers);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [pascal(k), pascalMembers(v)]));
  }
  return value;
}
