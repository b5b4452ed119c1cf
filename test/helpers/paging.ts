/**
 * Paging fixtures: personal contacts with activated email channels (the activation code read
 * from the mail the SMTP sink received, as a person would), escalation plans, and the pieces
 * of a page email (its accept code and link).
 */
import assert from 'node:assert/strict';
import {
  ActivateContactChannelCommand, CreateContactChannelCommand, CreateContactCommand, UpdateContactCommand, type Plan, type SSMContactsClient,
} from '@aws-sdk/client-ssm-contacts';
import type { ReceivedMail, SmtpSink } from './smtp-sink.js';

/** A personal contact and its channels by name. */
export interface PersonalContact {
  arn: string;
  channels: Record<string, string>;
}

/** Creates a personal contact with activated email channels `emails` (name -> address); `plan` gets the channel ARNs by name. */
export async function personalContact(
  contacts: SSMContactsClient, sink: SmtpSink, alias: string, emails: Record<string, string>,
  plan?: (channels: Record<string, string>) => Plan,
): Promise<PersonalContact> {
  const arn = (await contacts.send(new CreateContactCommand({ Alias: alias, DisplayName: alias, Type: 'PERSONAL', Plan: { Stages: [] } }))).ContactArn!;
  const channels: Record<string, string> = {};
  for (const [name, address] of Object.entries(emails)) {
    const channelArn = (await contacts.send(new CreateContactChannelCommand({ ContactId: arn, Name: name, Type: 'EMAIL', DeliveryAddress: { SimpleAddress: address } }))).ContactChannelArn!;
    const mail = await sink.nextMessage({ to: address });
    const code = /is ([\d ]+)\./.exec(mail.parsed.text ?? '')?.[1]?.replace(/ /g, '');
    assert.ok(code, `no activation code in: ${mail.parsed.text}`);
    await contacts.send(new ActivateContactChannelCommand({ ContactChannelId: channelArn, ActivationCode: code }));
    channels[name] = channelArn;
  }
  if (plan) await contacts.send(new UpdateContactCommand({ ContactId: arn, Plan: plan(channels) }));
  return { arn, channels };
}

/** A one-channel, one-stage personal contact: pages `address` once. */
export function emailOnce(contacts: SSMContactsClient, sink: SmtpSink, alias: string, address: string): Promise<PersonalContact> {
  return personalContact(contacts, sink, alias, { mail: address }, (ch) => ({
    Stages: [{ DurationInMinutes: 0, Targets: [{ ChannelTargetInfo: { ContactChannelId: ch.mail! } }] }],
  }));
}

/** An escalation plan whose stages engage the given contacts (essential unless said otherwise). */
export async function escalationPlan(
  contacts: SSMContactsClient, alias: string, stages: { minutes: number; contacts: { arn: string; essential?: boolean }[] }[],
): Promise<string> {
  return (await contacts.send(new CreateContactCommand({
    Alias: alias, Type: 'ESCALATION',
    Plan: { Stages: stages.map((s) => ({ DurationInMinutes: s.minutes, Targets: s.contacts.map((c) => ({ ContactTargetInfo: { ContactId: c.arn, IsEssential: c.essential ?? true } })) })) },
  }))).ContactArn!;
}

/** The accept code and acknowledgement link of a page email. */
export function pageMailParts(mail: ReceivedMail): { code: string; link: string } {
  const text = mail.parsed.text ?? '';
  const code = /Acknowledgement code: (\d{6})/.exec(text)?.[1];
  const link = /Acknowledge this page: (\S+)/.exec(text)?.[1];
  assert.ok(code && link, `not a page email: ${text}`);
  return { code, link };
}

/** Acknowledges through the link as a browser does: GET the confirmation page, POST its form. */
export async function acknowledgeByLink(link: string): Promise<string> {
  const page = await fetch(link);
  assert.equal(page.status, 200);
  const form = await page.text();
  assert.match(form, /<form method="post">/);
  // A form without an action posts back to the page's own URL.
  const url = new URL(link);
  const res = await fetch(link, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ page: url.searchParams.get('page')!, sig: url.searchParams.get('sig')! }).toString(),
  });
  assert.equal(res.status, 200);
  return res.text();
}
