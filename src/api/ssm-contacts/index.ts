/**
 * Handlers of the ssm-contacts API, one file per operation. Engagements and pages (issue 4's
 * other half) and rotations (issue 5) are not here yet: they answer UnknownOperationException.
 */
import type { OperationHandler } from '../operation.js';
// -- contacts, tags, contact policies
import createContact from './create-contact.js';
import getContact from './get-contact.js';
import listContacts from './list-contacts.js';
import updateContact from './update-contact.js';
import deleteContact from './delete-contact.js';
import tagResource from './tag-resource.js';
import untagResource from './untag-resource.js';
import listTagsForResource from './list-tags-for-resource.js';
import putContactPolicy from './put-contact-policy.js';
import getContactPolicy from './get-contact-policy.js';
// -- contact channels and their activation
import createContactChannel from './create-contact-channel.js';
import getContactChannel from './get-contact-channel.js';
import listContactChannels from './list-contact-channels.js';
import updateContactChannel from './update-contact-channel.js';
import deleteContactChannel from './delete-contact-channel.js';
import sendActivationCode from './send-activation-code.js';
import activateContactChannel from './activate-contact-channel.js';
import deactivateContactChannel from './deactivate-contact-channel.js';

/** Operation name -> handler. */
export const ssmContactsHandlers: Record<string, OperationHandler> = {
  // -- contacts, tags, contact policies (entries)
  CreateContact: createContact,
  GetContact: getContact,
  ListContacts: listContacts,
  UpdateContact: updateContact,
  DeleteContact: deleteContact,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  PutContactPolicy: putContactPolicy,
  GetContactPolicy: getContactPolicy,
  // -- contact channels and their activation (entries)
  CreateContactChannel: createContactChannel,
  GetContactChannel: getContactChannel,
  ListContactChannels: listContactChannels,
  UpdateContactChannel: updateContactChannel,
  DeleteContactChannel: deleteContactChannel,
  SendActivationCode: sendActivationCode,
  ActivateContactChannel: activateContactChannel,
  DeactivateContactChannel: deactivateContactChannel,
};
