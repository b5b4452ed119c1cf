/** IAM's entities as the domain sees them (the API's shapes are built from these in src/api/iam). */
import type { Tag } from './iam-names.js';

export type { Tag } from './iam-names.js';

/** An IAM user. */
export interface IamUser {
  userId: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  createdAt: Date;
}

/** An IAM role with its trust policy (AssumeRolePolicyDocument, as given). */
export interface IamRole {
  roleId: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  trustPolicy: string;
  description?: string;
  maxSessionSeconds: number;
  createdAt: Date;
  lastUsedAt?: Date;
  lastUsedRegion?: string;
}

/** A managed policy: a customer managed one, or (accountId 'aws') a built-in AWS managed one. */
export interface ManagedPolicy {
  policyId: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  description?: string;
  /** 'v1' */
  defaultVersion: string;
  createdAt: Date;
  updatedAt: Date;
  /** Users and roles of the asking account it is attached to. */
  attachmentCount: number;
}

/** One version of a managed policy. */
export interface PolicyVersion {
  versionId: string;
  document: string;
  isDefault: boolean;
  createdAt: Date;
}

/** An access key's metadata (its secret is shown only by CreateAccessKey). */
export interface AccessKeyInfo {
  accessKeyId: string;
  /** The user's name; undefined for the account's root keys. */
  userName?: string;
  status: 'Active' | 'Inactive';
  createdAt: Date;
}

/** When and where an access key was last used (undefined members: never). */
export interface AccessKeyUse {
  userName?: string;
  /** ARN of the user owning the key (none for a root key). */
  userArn?: string;
  lastUsedAt?: Date;
  service?: string;
  region?: string;
}

/** The user or role an attachment, inline policy or tag belongs to, by name. */
export interface PrincipalRef {
  type: 'user' | 'role';
  name: string;
}

/** A policy attached to a user or role. */
export interface AttachedPolicy {
  name: string;
  arn: string;
}

/** One page of a list; `marker` is set when more items follow (IsTruncated). */
export interface IamPage<T> {
  items: T[];
  marker?: string;
}

/** Paging members of IAM list requests. */
export interface IamPageRequest {
  marker?: string;
  maxItems?: number;
}

/** A user or role with its tags. */
export type Tagged<T> = T & { tags: Tag[] };
