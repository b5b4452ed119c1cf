/**
 * The committed botocore service models (src/api/models/<service>.model.json), typed.
 * Only the keys the code reads are declared; the JSON may carry more.
 */
import { readFileSync } from 'node:fs';

/** Reference from a structure member, list member or map key/value to a named shape. */
export interface MemberRef {
  shape: string;
  /** rest-json binding: 'uri' | 'querystring' | 'header' | 'headers'; absent = body. */
  location?: string;
  locationName?: string;
  idempotencyToken?: boolean;
  box?: boolean;
}

/** One named shape: a structure, list, map or scalar, with its constraints. */
export interface ShapeModel {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp' | 'blob' | string;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  union?: boolean;
  box?: boolean;
  timestampFormat?: string;
  error?: { httpStatusCode?: number; code?: string; senderFault?: boolean };
  exception?: boolean;
  fault?: boolean;
}

/** One operation: HTTP binding, input/output shape names and the error shapes it may return. */
export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
  idempotent?: boolean;
}

/** A whole service model: metadata, operations by name and shapes by name. */
export interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    protocol: string;
    signingName?: string;
    targetPrefix?: string;
    jsonVersion?: string;
    serviceId?: string;
    uid?: string;
    [k: string]: unknown;
  };
  operations: Record<string, OperationModel>;
  shapes: Record<string, ShapeModel>;
}

const cache = new Map<string, ServiceModel>();

/** Loads (once per process) the committed model of a service, e.g. 'ssm-incidents'. */
export function loadModel(service: 'ssm-incidents' | 'ssm-contacts' | string): ServiceModel {
  let model = cache.get(service);
  if (!model) {
    if (!/^[a-z0-9-]+$/.test(service)) throw new Error(`invalid service name: ${service}`);
    const url = new URL(`./models/${service}.model.json`, import.meta.url);
    model = JSON.parse(readFileSync(url, 'utf8')) as ServiceModel;
    cache.set(service, model);
  }
  return model;
}
