/**
 * Contact channels of personal contacts, and their activation: a channel is created
 * NOT_ACTIVATED and (unless DeferActivation) sent a code over itself at once; the code coming
 * back through ActivateContactChannel activates it (src/contacts/activation-code.ts has the
 * code rules: 24 hours, 5 wrong tries, 5 codes an hour).
 */
import type { Kysely } from 'kysely';
import { contactChannelArn, parseContactsArn } from '../arn/arn.js';
import type { Database } from '../db/database.js';
import { decodePageToken, toPage } from '../db/page-token.js';
import type { DB } from '../db/schema.js';
import type { Deliverer } from '../delivery/delivery.js';
import { ConflictError, NotFoundError, QuotaExceededError, ValidationError } from '../errors.js';
import { timeOrderedUuid } from '../ids/time-ordered-id.js';
import { once } from '../idempotency/idempotency.js';
import { requireReplicationSet } from '../replication-sets/replication-set-guard.js';
import type { Clock } from '../time/clock.js';
import {
  checkActivationCode, CODE_LIFETIME_MS, CODES_QUOTA_CODE, hashActivationCode, MAX_CODES_PER_WINDOW, newActivationCode, nextSendWindow,
} from './activation-code.js';
import { activationMessage, deliveryFailure } from './activation-message.js';
import { normalizeAddress, type ChannelType, type ContactChannel } from './contact-channel.js';
import * as store from './contact-channel-store.js';
import { notFound as contactNotFound, ownContact } from './contact.js';
import * as contacts from './contact-store.js';

/** Page size when the caller gives no MaxResults (or 0). */
const DEFAULT_PAGE_SIZE = 50;

/** CreateContactChannel's members. */
export interface NewChannel {
  contactArn: string;
  name: string;
  type: ChannelType;
  address?: string;
  deferActivation?: boolean;
}

/** The channel rules over the store; codes go out through the Deliverer. */
export class ContactChannelService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly region: string,
    private readonly deliverer: Deliverer,
  ) {}

  /**
   * Creates a channel of the caller's personal contact and, unless `deferActivation`, sends
   * it an activation code. If the code cannot be sent the channel stays (its ARN is in the
   * error): a retry with the same IdempotencyToken, or SendActivationCode, sends it again.
   */
  async create(accountId: string, input: NewChannel, idempotencyToken?: string): Promise<string> {
    const address = normalizeAddress(input.type, input.address);
    const arn = await this.database.write(async (trx) => {
      const now = this.clock.now();
      return once(trx, { accountId, operation: 'CreateContactChannel', token: idempotencyToken, input }, now.getTime(), async () => {
        await requireReplicationSet(trx, accountId);
        const contact = ownContact(accountId, input.contactArn, 'ContactId') ? await contacts.findOneForUpdate(trx, input.contactArn) : undefined;
        if (!contact) throw contactNotFound(input.contactArn);
        if (contact.type !== 'PERSONAL') {
          throw new ValidationError('ContactId', `Invalid value for ContactId: only personal contacts have channels; ${contact.arn} is ${contact.type === 'ESCALATION' ? 'an escalation plan' : 'an on-call schedule'}.`);
        }
        await refuseDuplicate(trx, contact.arn, input.type, address);
        const channelId = timeOrderedUuid(now);
        const channel: ContactChannel = {
          arn: contactChannelArn(this.region, accountId, contact.alias, channelId), contactArn: contact.arn, accountId, channelId,
          name: input.name, type: input.type, address, activationStatus: 'NOT_ACTIVATED', createdAt: now,
        };
        await store.create(trx, channel);
        return channel.arn;
      });
    });
    if (!input.deferActivation) {
      // First call, or a retry of one whose code could not be sent: a channel with no code outstanding gets one.
      const channel = await store.findOne(this.database.db, arn);
      if (channel && channel.activationStatus === 'NOT_ACTIVATED' && channel.codeHash === null) {
        await this.issueCode(channel, `The contact channel ${arn} was created, but its activation code could not be sent`, 'DeliveryAddress.SimpleAddress');
      }
    }
    return arn;
  }

  /** The caller's channel named by `arn`. */
  async get(accountId: string, arn: string): Promise<ContactChannel> {
    const channel = ownChannel(accountId, arn) ? await store.findOne(this.database.db, arn) : undefined;
    if (!channel) throw notFound(arn);
    return channel;
  }

  /** The channels of the caller's contact in creation order, paginated. */
  async list(accountId: string, contactArn: string, page: { maxResults?: number; nextToken?: string }): Promise<{ channels: ContactChannel[]; nextToken?: string }> {
    const after = decodePageToken('contact-channels', page.nextToken, ['string'], 'NextToken');
    const contact = ownContact(accountId, contactArn, 'ContactId') ? await contacts.findOne(this.database.db, contactArn) : undefined;
    if (!contact) throw contactNotFound(contactArn);
    const size = page.maxResults || DEFAULT_PAGE_SIZE;
    const rows = await store.findMany(this.database.db, contactArn, after?.[0] as string | undefined, size + 1);
    const { items, nextToken } = toPage(rows, size, 'contact-channels', (c) => [c.channelId]);
    return { channels: items, nextToken };
  }

  /** Renames a channel or changes its address; a new address must be activated again (SendActivationCode). */
  async update(accountId: string, arn: string, u: { name?: string; deliveryAddress?: { SimpleAddress?: string } }): Promise<void> {
    await this.database.write(async (trx) => {
      await requireReplicationSet(trx, accountId);
      const channel = ownChannel(accountId, arn) ? await store.findOneForUpdate(trx, arn) : undefined;
      if (!channel) throw notFound(arn);
      const address = u.deliveryAddress ? normalizeAddress(channel.type, u.deliveryAddress.SimpleAddress) : channel.address;
      const addressChanged = address !== channel.address;
      if (addressChanged) await refuseDuplicate(trx, channel.contactArn, channel.type, address);
      await store.update(trx, arn, { name: u.name ?? channel.name, address, addressChanged }, this.clock.now().getTime());
    });
  }

  /**
   * Deletes a channel. As AWS documents, a personal contact's plan keeps naming it and the
   * stage that does skips it; so this is not refused (the model gives it no ConflictException).
   */
  async delete(accountId: string, arn: string): Promise<void> {
    await this.database.write(async (trx) => {
      const channel = ownChannel(accountId, arn) ? await store.findOneForUpdate(trx, arn) : undefined;
      if (!channel) throw notFound(arn);
      await store.deleteOne(trx, arn);
    });
  }

  /** Sends the channel a fresh code (the earlier one stops working). */
  async sendActivationCode(accountId: string, arn: string): Promise<void> {
    await requireReplicationSet(this.database.db, accountId);
    const channel = ownChannel(accountId, arn) ? await store.findOne(this.database.db, arn) : undefined;
    if (!channel) throw notFound(arn);
    if (channel.activationStatus === 'ACTIVATED') {
      throw new ValidationError('ContactChannelId', `Invalid value for ContactChannelId: the contact channel ${arn} is already activated.`);
    }
    await this.issueCode(channel, `The activation code could not be sent to ${arn}`);
  }

  /**
   * Activates the channel with the code sent to it. A wrong, expired or used-up code is a
   * ValidationException on ActivationCode (the wrong try is counted all the same). An already
   * activated channel stays so whatever the code: a retry after a lost answer must not fail.
   */
  async activate(accountId: string, arn: string, code: string): Promise<void> {
    const outcome = await this.database.write(async (trx) => {
      const channel = ownChannel(accountId, arn) ? await store.findOneForUpdate(trx, arn) : undefined;
      if (!channel) throw notFound(arn);
      if (channel.activationStatus === 'ACTIVATED') return 'match';
      const nowMs = this.clock.now().getTime();
      const check = checkActivationCode(channel, code, nowMs);
      if (check === 'match') await store.setActivation(trx, arn, 'ACTIVATED', nowMs);
      if (check === 'wrong' || check === 'wrong-and-spent') await store.recordWrongCode(trx, arn, check === 'wrong-and-spent', nowMs);
      return check;
    });
    if (outcome === 'match') return;
    const reasons = {
      none: 'no activation code is outstanding for this contact channel',
      expired: 'the activation code has expired (codes are valid for 24 hours)',
      wrong: 'the activation code is not the one sent to this contact channel',
      'wrong-and-spent': 'the activation code is not the one sent to this contact channel, and that was the last try: the code sent no longer works',
    };
    throw new ValidationError('ActivationCode', `Invalid value for ActivationCode: ${reasons[outcome]}.${outcome === 'wrong' ? '' : ' Request a new code with SendActivationCode.'}`);
  }

  /** Deactivates the channel: it is not engaged until activated again; any outstanding code is void. */
  async deactivate(accountId: string, arn: string): Promise<void> {
    await this.database.write(async (trx) => {
      const channel = ownChannel(accountId, arn) ? await store.findOneForUpdate(trx, arn) : undefined;
      if (!channel) throw notFound(arn);
      await store.setActivation(trx, arn, 'NOT_ACTIVATED', this.clock.now().getTime());
    });
  }

  /**
   * Sends a new code over the channel and then records its hash: a code is stored only once it
   * went out, so a failed send leaves no code that nobody received ("no code outstanding" is
   * what lets a retried CreateContactChannel try again). `failure` begins the error's message;
   * `addressField` names the request's address member, if it has one.
   */
  private async issueCode(channel: store.StoredChannel, failure: string, addressField?: string): Promise<void> {
    const nowMs = this.clock.now().getTime();
    const window = nextSendWindow(channel.codesWindowStart, channel.codesInWindow, nowMs);
    if (!window) {
      throw new QuotaExceededError(
        `A contact channel may be sent at most ${MAX_CODES_PER_WINDOW} activation codes an hour; ${channel.arn} has been sent ${channel.codesInWindow}. Try again later.`,
        CODES_QUOTA_CODE, 'CONTACT_CHANNEL', channel.arn,
      );
    }
    const code = newActivationCode();
    try {
      await this.deliverer.send(activationMessage(channel, code, nowMs));
    } catch (err) {
      throw deliveryFailure(err, failure, this.deliverer.canDeliver(channel.type), addressField);
    }
    await this.database.write((trx) => store.storeCode(trx, channel.arn, {
      hash: hashActivationCode(code), expiresAt: nowMs + CODE_LIFETIME_MS, windowStart: window.windowStart, sentInWindow: window.sent,
    }, nowMs));
  }
}

/** Refuses a second channel of one type at one address on a contact. */
async function refuseDuplicate(db: Kysely<DB>, contactArn: string, type: ChannelType, address: string): Promise<void> {
  const existing = await store.findByAddress(db, contactArn, type, address);
  if (existing) throw new ConflictError(`The contact ${contactArn} already has the ${type} channel ${existing} at ${address}.`, 'CONTACT_CHANNEL', existing);
}

/** True for a channel ARN of the caller's account; another account's is invisible; anything else is a ValidationError. */
function ownChannel(accountId: string, arn: string): boolean {
  const parsed = parseContactsArn(arn);
  if (parsed?.kind !== 'contact-channel') {
    throw new ValidationError('ContactChannelId', `Invalid value for ContactChannelId: '${arn}' is not a contact channel ARN (arn:aws:ssm-contacts:REGION:ACCOUNT:contact-channel/ALIAS/ID).`);
  }
  return parsed.account === accountId;
}

function notFound(arn: string): NotFoundError {
  return new NotFoundError('CONTACT_CHANNEL', arn, `Contact channel ${arn} not found.`);
}
