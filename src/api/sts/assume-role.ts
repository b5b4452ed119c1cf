/**
 * AssumeRole: temporary credentials for a role session. Whether the caller may assume the role
 * is the authorizer's decision (ctx.services.access.mayAssumeRole when it is wired in; the STS
 * service's own check otherwise).
 */
import type { RoleAssumptionCheck } from '../../sts/sts-service.js';
import type { AssumeRoleRequest, AssumeRoleResponse } from '../models/sts.types.js';
import { handler } from '../operation.js';

export default handler<AssumeRoleRequest, AssumeRoleResponse>(async (input, ctx) => {
  const access = (ctx.services as { access?: Partial<RoleAssumptionCheck> }).access;
  const check = typeof access?.mayAssumeRole === 'function' ? (access as RoleAssumptionCheck) : undefined;
  // Session policies, session tags, MFA and provided contexts would change what the credentials
  // may do; refusing them is safer than issuing credentials that ignore them.
  const unsupported = (['Policy', 'PolicyArns', 'Tags', 'TransitiveTagKeys', 'SerialNumber', 'TokenCode', 'ProvidedContexts'] as const)
    .filter((k) => input[k] !== undefined);
  const session = await ctx.services.sts.assumeRole(ctx.caller, {
    roleArn: input.RoleArn, roleSessionName: input.RoleSessionName, durationSeconds: input.DurationSeconds,
    sourceIdentity: input.SourceIdentity, externalId: input.ExternalId, unsupported,
  }, ctx.region, check);
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId, SecretAccessKey: session.secretAccessKey, SessionToken: session.sessionToken, Expiration: session.expiresAt,
    },
    AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.arn },
    ...(session.sourceIdentity !== undefined ? { SourceIdentity: session.sourceIdentity } : {}),
  };
});
