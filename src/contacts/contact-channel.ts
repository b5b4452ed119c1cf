/**
 * A contact channel: how Incident Manager reaches a personal contact (EMAIL, SMS, VOICE). It
 * may be engaged only once ACTIVATED, i.e. after its owner typed in the code sent to it.
 */
import type { ChannelType } from '../delivery/delivery.js';
import { ValidationError } from '../errors.js';

export type { ChannelType };

/** ACTIVATED once the code sent to the channel came back; NOT_ACTIVATED before (or after DeactivateContactChannel). */
export type ActivationStatus = 'ACTIVATED' | 'NOT_ACTIVATED';

/** A stored contact channel (the activation code's state stays in the store). */
export interface ContactChannel {
  arn: string;
  contactArn: string;
  accountId: string;
  channelId: string;
  name: string;
  type: ChannelType;
  address: string;
  activationStatus: ActivationStatus;
  createdAt: Date;
}

/** E.164: '+', a country code that does not start with 0, at most 15 digits in all (7 at least: the shortest real numbers). */
const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * A pragmatic email syntax (RFC 5321/5322 dot-atom): a local part of the usual characters
 * without leading, trailing or doubled dots (at most 64), '@', and a domain of at least two
 * DNS labels. Quoted local parts and address literals are refused: no provider takes them.
 */
const EMAIL = /^(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * The delivery address of a channel of `type`, checked: SMS and VOICE take an E.164 number
 * ('+' followed by the country code and number, as AWS documents), EMAIL an email address.
 * Returned as given (no reformatting: clients read back what they sent).
 */
export function normalizeAddress(type: ChannelType, address: string | undefined, field = 'DeliveryAddress.SimpleAddress'): string {
  if (address === undefined) throw new ValidationError(field, `Invalid value for ${field}: a contact channel needs a delivery address.`);
  if (type === 'EMAIL') {
    if (!EMAIL.test(address)) throw new ValidationError(field, `Invalid value for ${field}: '${address}' is not an email address.`);
  } else if (!E164.test(address)) {
    throw new ValidationError(field, `Invalid value for ${field}: ${type} channels take a phone number in E.164 form, '+' then the country code and number (at most 15 digits, no spaces), e.g. +15005550199; '${address}' is not.`);
  }
  return address;
}
