/**
 * The AWS managed policies Tocsin knows (arn:aws:iam::aws:policy/...): attachable in every
 * account, never changed by it, listed by ListPolicies with Scope AWS or All. Kept to the ones
 * scripts written for AWS attach most; their documents are AWS's.
 */
import { awsManagedPolicyArn } from '../arn/arn.js';
import type { PolicyRow } from './policy-store.js';

interface Builtin { name: string; path: string; id: string; description: string; created: string; document: object }

const builtins: Builtin[] = [
  {
    name: 'AdministratorAccess', path: '/', id: 'ANPAIWMBCKSKIEE64ZLYK', created: '2015-02-06T18:39:46Z',
    description: 'Provides full access to AWS services and resources.',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
];

/** An AWS managed policy with its one version (v1, the default). */
export type AwsManagedPolicy = PolicyRow & { document: string };

const catalogue: AwsManagedPolicy[] = builtins.map((b) => ({
  policyId: b.id, accountId: 'aws', name: b.name, path: b.path, arn: awsManagedPolicyArn(b.path, b.name), description: b.description,
  defaultVersion: 'v1', versionsCreated: 1, createdAt: new Date(b.created), updatedAt: new Date(b.created),
  document: JSON.stringify(b.document, null, 4),
}));

/** The AWS managed policy with this ARN. */
export function findAwsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return catalogue.find((p) => p.arn === arn);
}

/** Every AWS managed policy, in name order. */
export function awsManagedPolicies(): readonly AwsManagedPolicy[] {
  return catalogue;
}
