/**
 * A response plan: the template every incident started from it copies. Field names follow
 * the ssm-incidents model (the plan is stored and returned as the API describes it).
 */
import type {
  Action, ChatChannel, IncidentTemplate, Integration,
} from '../api/models/ssm-incidents.types.js';

/** A stored response plan. */
export interface ResponsePlan {
  arn: string;
  accountId: string;
  name: string;
  displayName?: string;
  incidentTemplate: IncidentTemplate;
  chatChannel?: ChatChannel;
  engagements?: string[];
  actions?: Action[];
  integrations?: Integration[];
  createdAt: Date;
  updatedAt: Date;
}
