/**
 * The activation code as a message over the channel itself, and what a failed send means to
 * the caller. Pure: the channel service sends.
 */
import { parseContactsArn } from '../arn/arn.js';
import { DeliveryError, type OutboundMessage } from '../delivery/delivery.js';
import { ThrottledError, ValidationError } from '../errors.js';
import type { ContactChannel } from './contact-channel.js';

/** Seconds a caller is told to wait after a provider's temporary failure. */
const RETRY_AFTER_SECONDS = 30;

/** The message carrying `code` to `channel`; on a voice call the digits are read one by one. */
export function activationMessage(channel: ContactChannel, code: string, nowMs: number): OutboundMessage {
  const alias = parseContactsArn(channel.arn)?.path[0] ?? '';
  const spoken = channel.type === 'VOICE' ? code.split('').join(' ') : code;
  return {
    channelType: channel.type,
    address: channel.address,
    subject: 'Your Incident Manager activation code',
    text: `Your activation code for the contact channel "${channel.name}" of ${alias} is ${spoken}. It is valid for 24 hours.`,
    idempotencyKey: `activation-code:${channel.arn}:${nowMs}`,
    kind: 'activation-code',
    metadata: { contactArn: channel.contactArn, contactChannelArn: channel.arn, activationCode: code },
  };
}

/**
 * The AWS-shaped error for a failed send; `failure` begins its message ("The contact channel
 * ... was created, but its activation code could not be sent"), `addressField` is the member a
 * refused address is blamed on (CreateContactChannel's). AWS documents no error for
 * this, so: a provider's temporary failure is a ThrottlingException (the SDKs retry it, and a
 * retry sends again); a permanent one, no provider for the channel type or an address the
 * provider refuses, is a ValidationException (retrying cannot help). Anything that is not a
 * DeliveryError is a fault of ours and is rethrown as is (InternalServerException).
 */
export function deliveryFailure(err: unknown, failure: string, providerConfigured: boolean, addressField?: string): Error {
  if (!(err instanceof DeliveryError)) return err as Error;
  if (!err.permanent) {
    return new ThrottledError(`${failure}: ${err.message}. The provider failed for now; retry in a while.`, RETRY_AFTER_SECONDS);
  }
  if (!providerConfigured) {
    return new ValidationError(undefined, `${failure}: ${err.message}. Configure a delivery provider for this channel type, then call SendActivationCode.`);
  }
  return new ValidationError(addressField, `${failure}: the provider refused the address (${err.message}).`);
}
