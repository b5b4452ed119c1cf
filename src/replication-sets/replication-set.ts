/**
 * A replication set: the account's Incident Manager setup, the regions its data is kept in.
 * Tocsin keeps one copy of the data, so a set and its regions are ACTIVE as soon as they exist;
 * the regions are recorded and reported the way AWS reports them.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';

/** Largest number of regions in a set (AWS: "up to three Regions"). */
export const MAX_REGIONS = 3;

/**
 * The sseKmsKeyId AWS reports for a region encrypted with an AWS owned key, i.e. created
 * without one (Terraform's aws_ssmincidents_replication_set defaults kms_key_arn to it).
 */
export const DEFAULT_KMS_KEY = 'DefaultKey';

/** One region of a set. */
export interface RegionInfo {
  sseKmsKeyId: string;
  status: 'ACTIVE' | 'CREATING' | 'DELETING' | 'FAILED';
  statusMessage?: string;
  statusUpdatedAt: Date;
}

/** A stored replication set. */
export interface ReplicationSet {
  arn: string;
  accountId: string;
  status: 'ACTIVE' | 'CREATING' | 'UPDATING' | 'DELETING' | 'FAILED';
  deletionProtected: boolean;
  createdBy: string;
  createdAt: Date;
  lastModifiedBy: string;
  lastModifiedAt: Date;
  regions: Record<string, RegionInfo>;
}

/** The regions asked for at creation: name -> optional KMS key. */
export type RegionRequest = Record<string, { sseKmsKeyId?: string }>;

/** One change of UpdateReplicationSet. */
export type RegionChange =
  | { add: { regionName: string; sseKmsKeyId?: string } }
  | { remove: { regionName: string } };

// Commercial, China, GovCloud and ISO partitions all follow <area>-<direction...>-<n>.
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Checks a region name looks like an AWS region (us-east-1, eu-central-2, us-gov-west-1). */
export function normalizeRegionName(name: string, field: string): string {
  if (!REGION_NAME.test(name)) {
    throw new ValidationError(field, `Invalid value for ${field}: '${name}' is not an AWS Region name (for example us-east-1).`);
  }
  return name;
}

/** Validates the regions of a new set: 1 to 3, each a region name; no KMS key means DEFAULT_KMS_KEY. */
export function normalizeRegions(regions: RegionRequest): RegionRequest {
  const names = Object.keys(regions);
  if (names.length < 1 || names.length > MAX_REGIONS) {
    throw new ValidationError('regions', `Invalid value for regions: a replication set has 1 to ${MAX_REGIONS} Regions, got ${names.length}.`);
  }
  const out: RegionRequest = {};
  for (const name of names) {
    normalizeRegionName(name, 'regions');
    out[name] = { sseKmsKeyId: regions[name]?.sseKmsKeyId || DEFAULT_KMS_KEY };
  }
  return out;
}

/** Checks a change against the set's current regions; throws the error AWS would. */
export function checkRegionChange(set: ReplicationSet, change: RegionChange): void {
  const current = Object.keys(set.regions);
  if ('add' in change) {
    const name = normalizeRegionName(change.add.regionName, 'addRegionAction.regionName');
    if (current.includes(name)) {
      throw new ConflictError(`The replication set already has the Region ${name}.`, 'REPLICATION_SET', set.arn);
    }
    if (current.length >= MAX_REGIONS) {
      throw new ValidationError('regions', `Invalid value for regions: a replication set has at most ${MAX_REGIONS} Regions.`);
    }
    return;
  }
  const name = change.remove.regionName;
  if (!current.includes(name)) {
    throw new NotFoundError('REPLICATION_SET', set.arn, `The replication set has no Region ${name} (deleteRegionAction.regionName).`);
  }
  if (current.length === 1) {
    throw new ValidationError(
      'deleteRegionAction',
      `Invalid value for deleteRegionAction: ${name} is the last Region of the replication set; use DeleteReplicationSet to delete the set.`,
    );
  }
}
