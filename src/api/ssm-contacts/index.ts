/**
 * Handlers of the ssm-contacts API, one file per operation. Rotations (issue 5) are not here
 * yet: they answer UnknownOperationException.
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
// -- engagements and pages
import startEngagement from './start-engagement.js';
import stopEngagement from './stop-engagement.js';
import describeEngagement from './describe-engagement.js';
import listEngagements from './list-engagements.js';
import describePage from './describe-page.js';
import listPagesByContact from './list-pages-by-contact.js';
import listPagesByEngagement from './list-pages-by-engagement.js';
import listPageReceipts from './list-page-receipts.js';
import listPageResolutions from './list-page-resolutions.js';
import acceptPage from './accept-page.js';

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
  // -- engagements and pages (entries)
  StartEngagement: startEngagement,
  StopEngagement: stopEngagement,
  DescribeEngagement: describeEngagement,
  ListEngagements: listEngagements,
  DescribePage: describePage,
  ListPagesByContact: listPagesByContact,
  ListPagesByEngagement: listPagesByEngagement,
  ListPageReceipts: listPageReceipts,
  ListPageResolutions: listPageResolutions,
  AcceptPage: acceptPage,
};
