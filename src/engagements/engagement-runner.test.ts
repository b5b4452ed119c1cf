/**
 * Delivery failures of pages: a temporary failure is retried with backoff and then sent once;
 * a permanent one (no provider configured for the channel type, an address refused) is an
 * ERROR receipt with the provider's reason at once; one that keeps failing gives up after five
 * attempts with an ERROR receipt.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createServices, type AppServices } from '../app-context.js';
import { SecretBox } from '../crypto/secret-box.js';
import { DeliveryError } from '../delivery/delivery.js';
import { ManualClock } from '../time/clock.js';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/test-databases.js';
import { RecordingDeliverer } from '../../test/helpers/recording-deliverer.js';

const A = '111122223333';

describe('page delivery failures', () => {
  let db: TestDatabase;
  let s: AppServices;
  const clock = new ManualClock(new Date('2026-12-04T09:00:00Z'));
  const deliverer = new RecordingDeliverer();
  let contact: string;

  /** Runs the engine until nothing is due, moving the clock past each retry's backoff. */
  async function drain(steps = 12): Promise<void> {
    for (let i = 0; i < steps; i++) {
      await s.engine.runDue();
      clock.advance(70_000);
    }
  }
  async function pageAndReceipts() {
    const engagement = await s.engagements.start(A, { contactArn: contact, sender: 'bot', subject: 'Down', content: 'It is down' });
    await drain();
    const [page] = (await s.engagements.listPages(A, { engagementArn: engagement }, {})).items;
    return (await s.engagements.listReceipts(A, page!.arn, {})).items;
  }

  before(async () => {
    db = await openTestDatabase('sqlite');
    s = createServices(db.database, clock, new SecretBox(randomBytes(32)), 'us-east-1', { deliverer });
    await s.accounts.bootstrap({ accountId: A });
    await s.replicationSets.bootstrap(A, 'us-east-1');
    contact = await s.contacts.create(A, { alias: 'sms-person', type: 'PERSONAL', plan: { Stages: [] } });
    const channel = await s.contactChannels.create(A, { contactArn: contact, name: 'phone', type: 'SMS', address: '+15005550100' });
    await s.contactChannels.activate(A, channel, deliverer.codeFor(channel));
  });
  after(() => db.drop());

  test('a temporary failure is retried with backoff, then the page is sent once', async () => {
    let failures = 2;
    const send = deliverer.send.bind(deliverer);
    deliverer.send = async (m) => {
      if (m.kind === 'page' && failures-- > 0) throw new DeliveryError('provider answered 503', false, 'twilio');
      return send(m);
    };
    try {
      const receipts = await pageAndReceipts();
      assert.deepEqual(receipts.map((r) => r.receiptType), ['SENT']);
      assert.equal(deliverer.sent.filter((m) => m.kind === 'page').length, 1);
    } finally {
      deliverer.send = send;
    }
  });

  test('with no provider for the channel type, the page is an ERROR receipt saying so, not dropped', async () => {
    deliverer.failWith = new DeliveryError('No provider is configured for SMS messages: set TOCSIN_TWILIO_ACCOUNT_SID, TOCSIN_TWILIO_AUTH_TOKEN and TOCSIN_TWILIO_FROM_NUMBER', true);
    try {
      const receipts = await pageAndReceipts();
      assert.equal(receipts.length, 1);
      assert.equal(receipts[0]!.receiptType, 'ERROR');
      assert.match(receipts[0]!.receiptInfo!, /No provider is configured for SMS messages/);
    } finally {
      deliverer.failWith = undefined;
    }
  });

  test('a failure that does not pass gives up after five attempts with an ERROR receipt', async () => {
    deliverer.failWith = new DeliveryError('connection refused', false, 'twilio');
    try {
      const receipts = await pageAndReceipts();
      assert.equal(receipts.length, 1);
      assert.equal(receipts[0]!.receiptType, 'ERROR');
      assert.equal(receipts[0]!.receiptInfo, 'Gave up after 5 attempts: connection refused');
    } finally {
      deliverer.failWith = undefined;
    }
  });
});
