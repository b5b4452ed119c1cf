/** The AWS services Tocsin serves, each a model plus its handlers. */
import type { ServiceDefinition } from './aws-api.js';
import { loadModel } from './model.js';
import { iamHandlers } from './iam/index.js';
import { ssmContactsHandlers } from './ssm-contacts/index.js';
import { ssmIncidentsHandlers } from './ssm-incidents/index.js';
import { stsHandlers } from './sts/index.js';

/** Every served service definition. */
export function serviceDefinitions(): ServiceDefinition[] {
  return [
    { model: loadModel('ssm-incidents'), namespace: 'com.amazonaws.ssmincidents', handlers: ssmIncidentsHandlers },
    { model: loadModel('ssm-contacts'), namespace: 'com.amazonaws.ssmcontacts', handlers: ssmContactsHandlers },
    { model: loadModel('iam'), namespace: 'com.amazonaws.iam', handlers: iamHandlers },
    { model: loadModel('sts'), namespace: 'com.amazonaws.sts', handlers: stsHandlers },
  ];
}
