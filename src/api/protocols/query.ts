/**
 * The AWS query protocol (IAM, STS, SNS...), driven by the service model: the input comes as
 * form parameters (`Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=k`),
 * in a form-encoded POST body or, for GET, in the query string; the output is XML
 * `<XResponse><XResult>...</XResult><ResponseMetadata>` and errors are `<ErrorResponse>`.
 * Names follow botocore's QuerySerializer and XML parser (locationName, `flattened`, `member`,
 * `entry`/`key`/`value`), so what boto3 and @aws-sdk send decodes and what we send parses.
 */
import { ProtocolError } from '../../errors.js';
import type { AwsError } from '../aws-errors.js';
import type { MemberRef, ServiceModel, ShapeModel } from '../model.js';
import { coerceScalar } from '../shape-codec.js';
import { parseQuery, type RawRequest, type RawResponse } from './http-request.js';

/** Query-protocol keys the committed model carries beyond what model.ts declares. */
type Ref = MemberRef & { flattened?: boolean };
type Shape = ShapeModel & { flattened?: boolean; member?: Ref; key?: Ref; value?: Ref; members?: Record<string, Ref> };

/** The request's form parameters, decoded, each name once (its first value). */
export type QueryParams = Map<string, string>;

/** A parameter name split at its dots: `Tags.member.1.Key` is root → Tags → member → 1 → Key. */
interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

/**
 * The form parameters of a query request: the form-encoded body of a POST, then the query
 * string (a name in both keeps the body's value). Any other body is not read.
 */
export function readQueryParams(req: RawRequest): QueryParams {
  const params: QueryParams = new Map();
  const add = (text: string) => {
    for (const [name, values] of parseQuery(text)) if (!params.has(name)) params.set(name, values[0] ?? '');
  };
  if (req.body.length > 0 && isFormRequest(req)) add(req.body.toString('utf8'));
  add(req.query);
  return params;
}

/** True when the body is declared `application/x-www-form-urlencoded`. */
export function isFormRequest(req: RawRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && type.trim().toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** A query-protocol endpoint for one service model. */
export class QueryProtocol {
  readonly apiVersion: string;
  private readonly xmlns: string;

  constructor(readonly model: ServiceModel) {
    this.apiVersion = model.metadata.apiVersion;
    this.xmlns = String(model.metadata.xmlNamespace ?? `https://${model.metadata.endpointPrefix}.amazonaws.com/doc/${this.apiVersion}/`);
  }

  /** True when the model has operation `name`. */
  hasOperation(name: string | undefined): boolean {
    return name !== undefined && Object.hasOwn(this.model.operations, name);
  }

  /**
   * The operation named by `Action`, or ProtocolError MissingAction / InvalidAction. An Action
   * the model lacks, or a Version other than the model's, is "Could not find operation X for
   * version V", as AWS answers it (aws/aws-cli#37). A missing Version is accepted.
   */
  route(params: QueryParams): string {
    const action = params.get('Action');
    if (!action) throw new ProtocolError('MissingAction', 400, 'Missing Action');
    const version = params.get('Version');
    if (!this.hasOperation(action) || (version !== undefined && version !== this.apiVersion)) {
      throw new ProtocolError('InvalidAction', 400, `Could not find operation ${action} for version ${version ?? this.apiVersion}`);
    }
    return action;
  }

  /** The unvalidated input of `operation`: member names as in the model, scalars typed where they parse. */
  readInput(operation: string, params: QueryParams): Record<string, unknown> {
    const input = this.model.operations[operation].input;
    if (!input) return {};
    const root: ParamNode = { children: new Map() };
    for (const [name, value] of params) {
      let node = root;
      for (const segment of name.split('.')) {
        node.children ??= new Map();
        let next = node.children.get(segment);
        if (!next) node.children.set(segment, (next = {}));
        node = next;
      }
      node.value ??= value;
    }
    return this.decode(input.shape, root) as Record<string, unknown>;
  }

  private decode(shapeName: string, node: ParamNode, ref?: Ref): unknown {
    const shape = this.shape(shapeName);
    switch (shape.type) {
      case 'structure': {
        if (!node.children) return node.value === '' ? {} : node.value;
        const out: Record<string, unknown> = {};
        for (const [name, member] of Object.entries(shape.members ?? {})) {
          const child = node.children.get(this.wireName(name, member));
          if (!child) continue;
          const value = this.decode(member.shape, child, member);
          if (value !== undefined) out[name] = value;
        }
        return out;
      }
      case 'list': {
        // botocore sends an empty list as `Name=` (empty value)
        if (!node.children) return node.value === '' ? [] : node.value;
        const items = shape.flattened || ref?.flattened ? node : node.children.get(shape.member!.locationName ?? 'member');
        // `Name.1=x` for a list that is not flattened names nothing the model knows: absent
        return items ? indexed(items).map((item) => this.decode(shape.member!.shape, item, shape.member)) : undefined;
      }
      case 'map': {
        if (!node.children) return node.value === '' ? {} : node.value;
        const entries = shape.flattened || ref?.flattened ? node : node.children.get('entry');
        if (!entries) return undefined;
        const out: Record<string, unknown> = {};
        for (const entry of indexed(entries)) {
          const key = entry.children?.get(shape.key!.locationName ?? 'key')?.value;
          if (key === undefined) continue;
          const valueNode = entry.children?.get(shape.value!.locationName ?? 'value');
          const value = valueNode ? this.decode(shape.value!.shape, valueNode, shape.value) : undefined;
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
      default:
        return node.value === undefined ? undefined : coerceScalar(this.model, shapeName, node.value);
    }
  }

  /** Encodes a successful output (already cleaned by compileOutput: timestamps are epoch seconds). */
  writeOutput(operation: string, output: unknown, requestId: string): RawResponse {
    const op = this.model.operations[operation] as ServiceModel['operations'][string] & { output?: { shape: string; resultWrapper?: string } };
    let result = '';
    if (op.output) {
      const wrapper = op.output.resultWrapper ?? `${operation}Result`;
      result = element(wrapper, this.encodeStructure(op.output.shape, (output ?? {}) as Record<string, unknown>));
    }
    const body = `<${operation}Response xmlns="${this.xmlns}">${result}${metadata(requestId)}</${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  }

  /**
   * Encodes an error as `<ErrorResponse>`: Code is the shape's `error.code` (NoSuchEntityException
   * → NoSuchEntity), Type Receiver for 5xx, other members of the error shape inside `<Error>`.
   */
  writeError(error: AwsError, requestId: string): RawResponse {
    const shape = this.model.shapes[error.name] as Shape | undefined;
    const code = shape?.error?.code ?? error.name;
    let extra = '';
    for (const [key, value] of Object.entries(error.fields)) {
      if (value === undefined || value === null || typeof value === 'object') continue;
      const name = [key, key[0].toUpperCase() + key.slice(1)].find((n) => shape?.members?.[n]);
      if (name && name.toLowerCase() !== 'message') extra += element(name, escapeXml(String(value)));
    }
    const body = `<ErrorResponse xmlns="${this.xmlns}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>`
      + `<Code>${escapeXml(code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}</Error>`
      + `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
    return { status: error.status, headers: { 'content-type': 'text/xml' }, body };
  }

  private encodeStructure(shapeName: string, value: Record<string, unknown>): string {
    const shape = this.shape(shapeName);
    let xml = '';
    for (const [name, member] of Object.entries(shape.members ?? {})) {
      const v = Object.hasOwn(value, name) ? value[name] : undefined;
      if (v === undefined || v === null) continue;
      const target = this.shape(member.shape);
      const tag = this.wireName(name, member);
      if (target.type === 'list' && (target.flattened || member.flattened) && Array.isArray(v)) {
        for (const item of v) if (item !== null && item !== undefined) xml += element(tag, this.encode(target.member!.shape, item, target.member));
      } else if (target.type === 'map' && (target.flattened || member.flattened)) {
        xml += this.encodeEntries(target, v as Record<string, unknown>, tag);
      } else {
        xml += element(tag, this.encode(member.shape, v, member));
      }
    }
    return xml;
  }

  /** The content of an element holding `value` of shape `shapeName`. */
  private encode(shapeName: string, value: unknown, ref?: Ref): string {
    const shape = this.shape(shapeName);
    switch (shape.type) {
      case 'structure':
        return this.encodeStructure(shapeName, value as Record<string, unknown>);
      case 'list': {
        const tag = shape.member!.locationName ?? 'member';
        let xml = '';
        for (const item of value as unknown[]) if (item !== null && item !== undefined) xml += element(tag, this.encode(shape.member!.shape, item, shape.member));
        return xml;
      }
      case 'map':
        return this.encodeEntries(shape, value as Record<string, unknown>, 'entry');
      case 'timestamp':
        return escapeXml(formatTimestamp(value, (ref as { timestampFormat?: string } | undefined)?.timestampFormat ?? shape.timestampFormat));
      case 'blob':
        return Buffer.isBuffer(value) ? value.toString('base64') : escapeXml(String(value));
      default:
        return escapeXml(String(value));
    }
  }

  private encodeEntries(shape: Shape, value: Record<string, unknown>, tag: string): string {
    const keyTag = shape.key!.locationName ?? 'key';
    const valueTag = shape.value!.locationName ?? 'value';
    let xml = '';
    for (const key of Object.keys(value)) {
      const v = value[key];
      if (v === null || v === undefined) continue;
      xml += element(tag, element(keyTag, escapeXml(key)) + element(valueTag, this.encode(shape.value!.shape, v, shape.value)));
    }
    return xml;
  }

  /**
   * The name of a structure member on the wire: its locationName, except that a flattened list
   * whose member has a locationName is named by that (botocore `_member_key_name`).
   */
  private wireName(name: string, ref: Ref): string {
    const target = this.shape(ref.shape);
    if (target.type === 'list' && (target.flattened || ref.flattened) && target.member?.locationName) return target.member.locationName;
    return ref.locationName ?? name;
  }

  private shape(name: string): Shape {
    const s = this.model.shapes[name];
    if (!s) throw new Error(`unknown shape ${name}`);
    return s as Shape;
  }
}

/** The children named 1, 2, 3... of a node, in index order (other names are ignored). */
function indexed(node: ParamNode): ParamNode[] {
  if (!node.children) return [];
  const items: [number, ParamNode][] = [];
  for (const [name, child] of node.children) if (/^[1-9]\d{0,8}$/.test(name)) items.push([Number(name), child]);
  return items.sort((a, b) => a[0] - b[0]).map(([, child]) => child);
}

function metadata(requestId: string): string {
  return `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>`;
}

function element(tag: string, content: string): string {
  return content === '' ? `<${tag}/>` : `<${tag}>${content}</${tag}>`;
}

/** ISO 8601 (2026-12-03T19:29:13Z; milliseconds only when not zero), or the model's epoch-seconds / rfc822. */
function formatTimestamp(value: unknown, format: string | undefined): string {
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  if (format === 'epoch-seconds') return String(date.getTime() / 1000);
  if (format === 'rfc822') return date.toUTCString();
  return date.toISOString().replace('.000Z', 'Z');
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

/**
 * Escapes text for element content (quotes stay as they are, as AWS sends them). A carriage
 * return is written as a reference so parsers do not fold it into a newline. Other C0 controls
 * and lone surrogates cannot appear in XML 1.0 at all, not even as references (a client's parser
 * would reject the whole answer): they become U+FFFD, as in an error echoing bad input.
 */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => XML_ESCAPES[c] ?? '\ufffd');
}
