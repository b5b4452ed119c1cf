/**
 * IAM's response shapes from the domain's entities. Policy documents go out URL-encoded, as
 * IAM sends them; tags only when there are some; list entries carry what IAM's lists carry.
 */
import type { IamPage, IamRole, IamUser, ManagedPolicy, PolicyVersion as DomainVersion, Tag } from '../../iam/iam.js';
import { encodePolicyDocument } from '../../iam/policy-text.js';
import type { Policy, PolicyVersion, Role, User } from '../models/iam.types.js';
import type { Caller, RequestContext } from '../operation.js';
import { ValidationError } from '../../errors.js';

/** A User (GetUser and CreateUser add its tags). */
export function userShape(u: IamUser, tags?: Tag[]): User {
  return { Path: u.path, UserName: u.name, UserId: u.userId, Arn: u.arn, CreateDate: u.createdAt, ...(tags?.length ? { Tags: tags } : {}) };
}

/** A Role with its URL-encoded trust policy; `full` adds what GetRole returns beyond ListRoles (RoleLastUsed). */
export function roleShape(r: IamRole, opts: { tags?: Tag[]; full?: boolean } = {}): Role {
  return {
    Path: r.path, RoleName: r.name, RoleId: r.roleId, Arn: r.arn, CreateDate: r.createdAt,
    AssumeRolePolicyDocument: encodePolicyDocument(r.trustPolicy),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    MaxSessionDuration: r.maxSessionSeconds,
    ...(opts.tags?.length ? { Tags: opts.tags } : {}),
    ...(opts.full ? { RoleLastUsed: r.lastUsedAt ? { LastUsedDate: r.lastUsedAt, Region: r.lastUsedRegion } : {} } : {}),
  };
}

/** A managed Policy. */
export function policyShape(p: ManagedPolicy, opts: { tags?: Tag[]; description?: boolean } = {}): Policy {
  return {
    PolicyName: p.name, PolicyId: p.policyId, Arn: p.arn, Path: p.path, DefaultVersionId: p.defaultVersion,
    AttachmentCount: p.attachmentCount, PermissionsBoundaryUsageCount: 0, IsAttachable: true,
    ...(opts.description !== false && p.description !== undefined ? { Description: p.description } : {}),
    CreateDate: p.createdAt, UpdateDate: p.updatedAt,
    ...(opts.tags?.length ? { Tags: opts.tags } : {}),
  };
}

/** A PolicyVersion; GetPolicyVersion adds the document (URL-encoded). */
export function versionShape(v: DomainVersion, withDocument: boolean): PolicyVersion {
  return {
    ...(withDocument ? { Document: encodePolicyDocument(v.document) } : {}),
    VersionId: v.versionId, IsDefaultVersion: v.isDefault, CreateDate: v.createdAt,
  };
}

/** IsTruncated and Marker of a page. */
export function pageFields(page: IamPage<unknown>): { IsTruncated: boolean; Marker?: string } {
  return { IsTruncated: page.marker !== undefined, ...(page.marker !== undefined ? { Marker: page.marker } : {}) };
}

/** The account IAM operations act in: the caller's own (IAM is not shared across accounts). */
export function accountOf(ctx: RequestContext): string {
  return ctx.caller.accountId;
}

/**
 * The user an operation without UserName is about: IAM takes the signing user's. Root signs
 * for the account itself (undefined); role sessions must name a user.
 */
export function implicitUser(caller: Caller, userName: string | undefined): string | undefined {
  if (userName !== undefined) return userName;
  if (caller.kind === 'user') return caller.userName;
  if (caller.kind === 'assumed-role') throw new ValidationError('userName', 'Must specify userName when calling with non-User credentials');
  return undefined;
}

/** Like implicitUser, for changes to keys: root keys are Tocsin's configuration (TOCSIN_ACCESS_KEY_ID), not the API's. */
export function implicitUserForChange(caller: Caller, userName: string | undefined): string {
  const name = implicitUser(caller, userName);
  if (name === undefined) {
    throw new ValidationError('userName', 'Must specify userName: root access keys are managed by the server configuration (TOCSIN_ACCESS_KEY_ID, TOCSIN_SECRET_ACCESS_KEY)');
  }
  return name;
}
