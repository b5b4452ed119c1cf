/** Handlers of the STS API (the subset Tocsin serves), one file per operation. */
import type { OperationHandler } from '../operation.js';
import assumeRole from './assume-role.js';
import getAccessKeyInfo from './get-access-key-info.js';
import getCallerIdentity from './get-caller-identity.js';

/** Operation name -> handler. */
export const stsHandlers: Record<string, OperationHandler> = {
  GetCallerIdentity: getCallerIdentity,
  GetAccessKeyInfo: getAccessKeyInfo,
  AssumeRole: assumeRole,
};
