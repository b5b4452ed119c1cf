/** Handlers of the IAM API (the subset Tocsin serves), one file per operation. */
import type { OperationHandler } from '../operation.js';
import createUser from './create-user.js';
import getUser from './get-user.js';
import listUsers from './list-users.js';
import deleteUser from './delete-user.js';
import tagUser from './tag-user.js';
import untagUser from './untag-user.js';
import listUserTags from './list-user-tags.js';
import createAccessKey from './create-access-key.js';
import listAccessKeys from './list-access-keys.js';
import updateAccessKey from './update-access-key.js';
import deleteAccessKey from './delete-access-key.js';
import getAccessKeyLastUsed from './get-access-key-last-used.js';
import createRole from './create-role.js';
import getRole from './get-role.js';
import listRoles from './list-roles.js';
import deleteRole from './delete-role.js';
import updateAssumeRolePolicy from './update-assume-role-policy.js';
import tagRole from './tag-role.js';
import untagRole from './untag-role.js';
import listRoleTags from './list-role-tags.js';
import createPolicy from './create-policy.js';
import getPolicy from './get-policy.js';
import getPolicyVersion from './get-policy-version.js';
import listPolicies from './list-policies.js';
import createPolicyVersion from './create-policy-version.js';
import deletePolicyVersion from './delete-policy-version.js';
import listPolicyVersions from './list-policy-versions.js';
import setDefaultPolicyVersion from './set-default-policy-version.js';
import deletePolicy from './delete-policy.js';
import attachUserPolicy from './attach-user-policy.js';
import detachUserPolicy from './detach-user-policy.js';
import listAttachedUserPolicies from './list-attached-user-policies.js';
import putUserPolicy from './put-user-policy.js';
import getUserPolicy from './get-user-policy.js';
import deleteUserPolicy from './delete-user-policy.js';
import listUserPolicies from './list-user-policies.js';
import attachRolePolicy from './attach-role-policy.js';
import detachRolePolicy from './detach-role-policy.js';
import listAttachedRolePolicies from './list-attached-role-policies.js';
import putRolePolicy from './put-role-policy.js';
import getRolePolicy from './get-role-policy.js';
import deleteRolePolicy from './delete-role-policy.js';
import listRolePolicies from './list-role-policies.js';

/** Operation name -> handler. */
export const iamHandlers: Record<string, OperationHandler> = {
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
  DeleteUser: deleteUser,
  TagUser: tagUser,
  UntagUser: untagUser,
  ListUserTags: listUserTags,
  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  DeleteRole: deleteRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  TagRole: tagRole,
  UntagRole: untagRole,
  ListRoleTags: listRoleTags,
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  ListPolicies: listPolicies,
  CreatePolicyVersion: createPolicyVersion,
  DeletePolicyVersion: deletePolicyVersion,
  ListPolicyVersions: listPolicyVersions,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
  DeletePolicy: deletePolicy,
  AttachUserPolicy: attachUserPolicy,
  DetachUserPolicy: detachUserPolicy,
  ListAttachedUserPolicies: listAttachedUserPolicies,
  PutUserPolicy: putUserPolicy,
  GetUserPolicy: getUserPolicy,
  DeleteUserPolicy: deleteUserPolicy,
  ListUserPolicies: listUserPolicies,
  AttachRolePolicy: attachRolePolicy,
  DetachRolePolicy: detachRolePolicy,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  DeleteRolePolicy: deleteRolePolicy,
  ListRolePolicies: listRolePolicies,
};
