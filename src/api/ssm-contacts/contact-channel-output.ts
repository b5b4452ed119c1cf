/** A contact channel as GetContactChannel and ListContactChannels return it. */
import type { ContactChannel } from '../../contacts/contact-channel.js';
import type { ContactChannel as ContactChannelShape, GetContactChannelResult } from '../models/ssm-contacts.types.js';

/** The model's ContactChannel (GetContactChannelResult has the same members). */
export function contactChannelOutput(c: ContactChannel): ContactChannelShape & GetContactChannelResult {
  return {
    ContactArn: c.contactArn, ContactChannelArn: c.arn, Name: c.name, Type: c.type,
    DeliveryAddress: { SimpleAddress: c.address }, ActivationStatus: c.activationStatus,
  };
}
