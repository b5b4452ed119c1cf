/**
 * Tags of response plans, incident records and the replication set (ssm-incidents'
 * TagResource, UntagResource, ListTagsForResource) and of contacts (ssm-contacts' operations of
 * the same names). A resource is visible only to its own account.
 */
import { parseContactsArn, parseIncidentsArn, type IncidentsResourceKind } from '../arn/arn.js';
import type { Database } from '../db/database.js';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { NotFoundError, QuotaExceededError, ValidationError } from '../errors.js';
import { requireReplicationSet } from '../replication-sets/replication-set-guard.js';
import type { Clock } from '../time/clock.js';
import { normalizeTagList, type TagPair } from './tag-list.js';
import { countTags, deleteTags, findExistingKeys, findTags, taggableExists, upsertTags } from './tag-store.js';

/** Which API's tagging operations are asking: each tags its own service's resources. */
export type TaggingApi = 'ssm-incidents' | 'ssm-contacts';

/** Most tags one resource may carry (AWS: 50 per resource). */
export const MAX_TAGS_PER_RESOURCE = 50;

/** Quota code reported when a resource would carry more than MAX_TAGS_PER_RESOURCE tags. */
export const TAGS_QUOTA_CODE = 'TagsPerResource';

const resourceTypes: Record<IncidentsResourceKind, string> = {
  'response-plan': 'RESPONSE_PLAN',
  'incident-record': 'INCIDENT_RECORD',
  'replication-set': 'REPLICATION_SET',
};

/** Tagging over the tag store. */
export class TagService {
  constructor(private readonly database: Database, private readonly clock: Clock) {}

  /** The tags of any resource, for aws:ResourceTag conditions (the authorizer decides who may see them). */
  tagsOf(resourceArn: string): Promise<Record<string, string>> {
    return findTags(this.database.db, resourceArn);
  }

  /** The tags of the caller's resource. */
  async list(accountId: string, resourceArn: string, api: TaggingApi = 'ssm-incidents'): Promise<Record<string, string>> {
    await this.resolve(this.database.db, accountId, resourceArn, api);
    return findTags(this.database.db, resourceArn);
  }

  /** TagResource of ssm-contacts: the tags as a list of {Key, Value}. */
  async tagList(accountId: string, resourceArn: string, tags: TagPair[]): Promise<void> {
    await this.tag(accountId, resourceArn, normalizeTagList(tags, 'Tags'), 'ssm-contacts');
  }

  /** Adds or overwrites tags; refuses to go past MAX_TAGS_PER_RESOURCE. */
  async tag(accountId: string, resourceArn: string, tags: Record<string, string>, api: TaggingApi = 'ssm-incidents'): Promise<void> {
    await this.database.write(async (trx) => {
      await requireReplicationSet(trx, accountId);
      const resourceType = await this.resolve(trx, accountId, resourceArn, api);
      const keys = Object.keys(tags);
      const added = keys.length - (await findExistingKeys(trx, resourceArn, keys)).length;
      const total = (await countTags(trx, resourceArn)) + added;
      if (total > MAX_TAGS_PER_RESOURCE) {
        throw new QuotaExceededError(
          `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; these tags would give ${resourceArn} ${total}.`,
          TAGS_QUOTA_CODE, resourceType, resourceArn,
        );
      }
      await upsertTags(trx, resourceArn, tags);
    });
  }

  /** Removes tag keys; keys the resource does not have are ignored. */
  async untag(accountId: string, resourceArn: string, tagKeys: string[], api: TaggingApi = 'ssm-incidents'): Promise<void> {
    await this.database.write(async (trx) => {
      await this.resolve(trx, accountId, resourceArn, api);
      await deleteTags(trx, resourceArn, [...new Set(tagKeys)]);
    });
  }

  /** Checks the ARN names an existing resource of the caller; returns its AWS resource type. */
  private async resolve(db: Kysely<DB>, accountId: string, resourceArn: string, api: TaggingApi): Promise<string> {
    if (api === 'ssm-contacts') return resolveContact(db, accountId, resourceArn);
    const parsed = parseIncidentsArn(resourceArn);
    if (!parsed) {
      throw new ValidationError(
        'resourceArn',
        `Invalid value for resourceArn: '${resourceArn}' is not the ARN of a response plan, incident record or replication set.`,
      );
    }
    const resourceType = resourceTypes[parsed.kind];
    if (parsed.account !== accountId || !(await taggableExists(db, parsed.kind, resourceArn, accountId))) {
      throw new NotFoundError(resourceType, resourceArn, `Resource ${resourceArn} not found.`);
    }
    return resourceType;
  }
}

/**
 * ssm-contacts tags contacts (escalation plans and on-call schedules are contacts too).
 * (Issue 5 adds rotations here.)
 */
async function resolveContact(db: Kysely<DB>, accountId: string, resourceArn: string): Promise<string> {
  const parsed = parseContactsArn(resourceArn);
  if (parsed?.kind !== 'contact') {
    throw new ValidationError('ResourceARN', `Invalid value for ResourceARN: '${resourceArn}' is not the ARN of a contact, escalation plan or on-call schedule.`);
  }
  if (parsed.account !== accountId || !(await taggableExists(db, 'contact', resourceArn, accountId))) {
    throw new NotFoundError('CONTACT', resourceArn, `Resource ${resourceArn} not found.`);
  }
  return 'CONTACT';
}
