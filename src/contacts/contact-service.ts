/**
 * Contacts: personal contacts, escalation plans and on-call schedules, with aliases unique in
 * the account, plans checked against what they name, tags, and a resource policy each
 * (PutContactPolicy) that shares the contact with other accounts.
 */
import type { Plan } from '../api/models/ssm-contacts.types.js';
import { contactArn } from '../arn/arn.js';
import type { Database } from '../db/database.js';
import { decodePageToken, toPage } from '../db/page-token.js';
import { ConflictError } from '../errors.js';
import { once } from '../idempotency/idempotency.js';
import { requireReplicationSet } from '../replication-sets/replication-set-guard.js';
import { normalizePolicyDocument } from '../resource-policies/resource-policy.js';
import * as policies from '../resource-policies/resource-policy-store.js';
import { newPolicyId } from '../resource-policies/resource-policy.js';
import { normalizeTagList, type TagPair } from '../tags/tag-list.js';
import { deleteAllTags, upsertTags } from '../tags/tag-store.js';
import type { Clock } from '../time/clock.js';
import { normalizePlan, notFound, ownContact, type Contact, type ContactType } from './contact.js';
import { checkPlanReferences, refuseIfReferenced } from './contact-references.js';
import * as store from './contact-store.js';
import { rotationsNotYetServed, type RotationLookup } from './rotation-lookup.js';

/** Page size when the caller gives no MaxResults (or 0). */
const DEFAULT_PAGE_SIZE = 50;

/** CreateContact's members. */
export interface NewContact {
  alias: string;
  displayName?: string;
  type: ContactType;
  plan: Plan;
  tags?: TagPair[];
}

/** The contact rules over the stores. */
export class ContactService {
  /** Increases with every change to a contact's policy on this node (the authorizer's cache key). */
  changeCount = 0;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly region: string,
    private readonly rotations: RotationLookup = rotationsNotYetServed,
  ) {}

  /** Creates a contact (ConflictError if the alias is taken in the account); returns its ARN. */
  async create(accountId: string, input: NewContact, idempotencyToken?: string): Promise<string> {
    const arn = contactArn(this.region, accountId, input.alias);
    const { plan, references } = normalizePlan(input.type, input.plan, { region: this.region, account: accountId, alias: input.alias });
    const tags = normalizeTagList(input.tags ?? [], 'Tags');
    return this.database.write(async (trx) => {
      const now = this.clock.now();
      return once(trx, { accountId, operation: 'CreateContact', token: idempotencyToken, input }, now.getTime(), async () => {
        await requireReplicationSet(trx, accountId);
        if (await store.findOne(trx, arn)) throw new ConflictError(`A contact with the alias '${input.alias}' already exists in the account.`, 'CONTACT', arn);
        await checkPlanReferences(trx, arn, accountId, references, this.rotations);
        const displayName = input.displayName || undefined;
        await store.create(trx, { arn, accountId, alias: input.alias, displayName, type: input.type, plan, createdAt: now, updatedAt: now });
        await store.replaceTargets(trx, arn, references);
        await upsertTags(trx, arn, tags);
        return arn;
      });
    });
  }

  /** The caller's contact named by `arn` (NotFoundError otherwise). */
  async get(accountId: string, arn: string, field = 'ContactId'): Promise<Contact> {
    const contact = ownContact(accountId, arn, field) ? await store.findOne(this.database.db, arn) : undefined;
    if (!contact) throw notFound(arn);
    return contact;
  }

  /** The caller's contacts in alias order, optionally only those of a type or with an alias prefix, paginated. */
  async list(accountId: string, q: { aliasPrefix?: string; type?: ContactType; maxResults?: number; nextToken?: string }): Promise<{ contacts: store.ContactSummary[]; nextToken?: string }> {
    const after = decodePageToken('contacts', q.nextToken, ['string'], 'NextToken');
    const size = q.maxResults || DEFAULT_PAGE_SIZE;
    const rows = await store.findSummaries(this.database.db, accountId, { aliasPrefix: q.aliasPrefix, type: q.type, afterAlias: after?.[0] as string | undefined }, size + 1);
    const { items, nextToken } = toPage(rows, size, 'contacts', (c) => [c.alias]);
    return { contacts: items, nextToken };
  }

  /** UpdateContact: a DisplayName given replaces it ('' clears it); a Plan given replaces the whole plan. */
  async update(accountId: string, arn: string, update: { displayName?: string; plan?: Plan }): Promise<void> {
    await this.database.write(async (trx) => {
      await requireReplicationSet(trx, accountId);
      const contact = ownContact(accountId, arn, 'ContactId') ? await store.findOneForUpdate(trx, arn) : undefined;
      if (!contact) throw notFound(arn);
      let plan = contact.plan;
      if (update.plan) {
        const normalized = normalizePlan(contact.type, update.plan, { region: this.region, account: accountId, alias: contact.alias });
        await checkPlanReferences(trx, arn, accountId, normalized.references, this.rotations);
        await store.replaceTargets(trx, arn, normalized.references);
        plan = normalized.plan;
      }
      const displayName = update.displayName === undefined ? contact.displayName : update.displayName || undefined;
      await store.update(trx, arn, { displayName, plan }, this.clock.now());
    });
  }

  /**
   * Deletes a contact with its channels, tags and policy; refused while an escalation plan or
   * a response plan still engages it (ConflictException naming them).
   */
  async delete(accountId: string, arn: string): Promise<void> {
    await this.database.write(async (trx) => {
      const contact = ownContact(accountId, arn, 'ContactId') ? await store.findOneForUpdate(trx, arn) : undefined;
      if (!contact) throw notFound(arn);
      await refuseIfReferenced(trx, arn, contact.type);
      await store.deleteOne(trx, arn);
      await deleteAllTags(trx, arn);
      await policies.deleteForResource(trx, arn);
      this.changeCount++;
    });
  }

  /** Attaches `policy` to the caller's contact, replacing the one it had (a contact has at most one). */
  async putPolicy(accountId: string, arn: string, policy: string): Promise<void> {
    const policyDocument = normalizePolicyDocument(policy, 'Policy');
    await this.database.write(async (trx) => {
      await requireReplicationSet(trx, accountId);
      const contact = ownContact(accountId, arn, 'ContactArn') ? await store.findOneForUpdate(trx, arn) : undefined;
      if (!contact) throw notFound(arn);
      await policies.deleteForResource(trx, arn);
      await policies.create(trx, { policyId: newPolicyId(), resourceArn: arn, accountId, policyDocument, createdAt: this.clock.now() });
      this.changeCount++;
    });
  }

  /** The policy of the caller's contact, if it has one. */
  async getPolicy(accountId: string, arn: string): Promise<string | undefined> {
    await this.get(accountId, arn, 'ContactArn');
    const [policy] = await policies.findMany(this.database.db, arn, undefined, 1);
    return policy?.policyDocument;
  }
}
