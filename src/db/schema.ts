/**
 * Row types of every table, as Kysely sees them. Times are epoch milliseconds (BIGINT on
 * PostgreSQL, INTEGER on SQLite); booleans are 0/1; nested AWS structures are JSON text.
 */
import type { Generated } from 'kysely';

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AccessKeysTable {
  access_key_id: string;
  /**
   * The secret, sealed with the master key (SecretBox, context `access-key:<id>`) when
   * `sealed` is 1. Rows written before migration 0003 hold plaintext (sealed 0) until the next
   * start seals them.
   */
  secret_access_key: string;
  account_id: string;
  principal_arn: string;
  /** 'root-generated' or 'root-configured' for an account's root credentials, 'user' for an IAM user's. */
  kind: string;
  status: string;
  created_at: number;
  /** kind 'user': the user's id (AIDA...). */
  user_id: string | null;
  sealed: number;
  last_used_at: number | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

export interface AccountsTable {
  account_id: string;
  created_at: number;
}

export interface IamUsersTable {
  user_id: string;
  account_id: string;
  name: string;
  /** lower(name): unique per account, the listing order. */
  name_key: string;
  path: string;
  arn: string;
  created_at: number;
}

export interface IamRolesTable {
  role_id: string;
  account_id: string;
  name: string;
  name_key: string;
  path: string;
  arn: string;
  /** AssumeRolePolicyDocument as given. */
  trust_policy: string;
  description: string | null;
  max_session_seconds: number;
  created_at: number;
  last_used_at: number | null;
  last_used_region: string | null;
}

export interface IamPoliciesTable {
  policy_id: string;
  account_id: string;
  name: string;
  name_key: string;
  path: string;
  arn: string;
  description: string | null;
  /** 'v3' */
  default_version: string;
  /** How many versions were ever created (the next is v(n+1)). */
  versions_created: number;
  created_at: number;
  updated_at: number;
}

export interface IamPolicyVersionsTable {
  policy_id: string;
  version_num: number;
  /** The document as given. */
  document: string;
  created_at: number;
}

export interface IamAttachmentsTable {
  /** user_id or role_id. */
  principal_id: string;
  policy_arn: string;
  account_id: string;
  policy_name: string;
  policy_name_key: string;
  policy_path: string;
  attached_at: number;
}

export interface IamInlinePoliciesTable {
  principal_id: string;
  name: string;
  name_key: string;
  document: string;
  updated_at: number;
}

export interface IamTagsTable {
  /** user_id or role_id. */
  entity_id: string;
  key_lower: string;
  tag_key: string;
  tag_value: string;
}

export interface ReplicationSetsTable {
  arn: string;
  account_id: string;
  status: string;
  deletion_protected: number;
  created_by: string;
  created_at: number;
  last_modified_by: string;
  last_modified_at: number;
}

export interface ReplicationRegionsTable {
  set_arn: string;
  region_name: string;
  sse_kms_key_id: string | null;
  status: string;
  status_message: string | null;
  status_updated_at: number;
}

export interface ResponsePlansTable {
  arn: string;
  account_id: string;
  name: string;
  display_name: string | null;
  /** IncidentTemplate JSON. */
  incident_template: string;
  chat_channel: string | null;
  engagements: string | null;
  actions: string | null;
  integrations: string | null;
  created_at: number;
  updated_at: number;
  /** Changes (random) with every write, so caches can tell a plan they hold is current. */
  revision: string;
}

export interface TagsTable {
  resource_arn: string;
  tag_key: string;
  tag_value: string;
}

export interface ResourcePoliciesTable {
  policy_id: string;
  resource_arn: string;
  account_id: string;
  policy_document: string;
  created_at: number;
}

export interface IncidentsTable {
  arn: string;
  account_id: string;
  /** Monotonic insertion order, for stable listing. */
  seq: Generated<number>;
  response_plan_arn: string;
  title: string;
  impact: number;
  summary: string | null;
  status: string;
  dedupe_string: string;
  /** dedupe_string while the incident is OPEN and the string non-empty, else NULL (unique per account). */
  open_dedupe: string | null;
  chat_channel: string | null;
  notification_targets: string | null;
  automation_executions: string | null;
  created_by: string;
  invoked_by: string | null;
  source_resource_arn: string | null;
  source: string;
  trigger_details: string | null;
  /** The response plan as it was when the incident started (engagements, actions, integrations...). */
  plan_snapshot: string;
  created_at: number;
  resolved_at: number | null;
  last_modified_at: number;
  last_modified_by: string;
}

export interface TimelineEventsTable {
  event_id: string;
  incident_arn: string;
  seq: Generated<number>;
  event_type: string;
  event_time: number;
  event_updated_time: number;
  event_data: string;
  /** EventReference[] JSON. */
  event_references: string | null;
  /** '\n'-delimited resource ARNs and related item ids ('\n' first and last), for filtering. */
  event_reference_keys: Generated<string>;
}

export interface RelatedItemsTable {
  incident_arn: string;
  generated_id: string;
  seq: Generated<number>;
  item_type: string;
  /** ItemValue JSON. */
  item_value: string;
  /** The value itself, for duplicate detection. */
  value_key: string;
  title: string | null;
  created_at: number;
}

export interface FindingsTable {
  incident_arn: string;
  finding_id: string;
  details: string | null;
  created_at: number;
  last_modified_at: number;
}

export interface IdempotencyTokensTable {
  account_id: string;
  operation: string;
  token: string;
  request_hash: string;
  response: string;
  created_at: number;
}

export interface ContactsTable {
  arn: string;
  account_id: string;
  /** Unique per account; byte order on both databases. */
  alias: string;
  display_name: string | null;
  /** PERSONAL, ESCALATION or ONCALL_SCHEDULE. */
  type: string;
  /** The normalized Plan JSON (Stages and/or RotationIds, as GetContact returns it). */
  plan: string;
  created_at: number;
  updated_at: number;
}

/** A job of the engine (src/engine): waiting until run_at, running while leased, or dead. */
export interface EngineJobsTable {
  id: string;
  kind: string;
  /** At most one waiting job per (kind, dedupe_key). */
  dedupe_key: string | null;
  /** JSON. */
  payload: string;
  /** 'waiting' | 'running' | 'dead'. */
  state: string;
  run_at: number;
  /** Claims so far (the running attempt included). */
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  /** The engine instance holding the lease while running. */
  locked_by: string | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface ContactPlanTargetsTable {
  /** The contact whose plan names the target. */
  contact_arn: string;
  target_arn: string;
  /** 'contact', 'channel' or 'rotation'. */
  target_kind: string;
}

export interface ContactChannelsTable {
  arn: string;
  contact_arn: string;
  account_id: string;
  /** Time-ordered UUID (the last part of the ARN). */
  channel_id: string;
  name: string;
  /** EMAIL, SMS or VOICE. */
  type: string;
  address: string;
  /** ACTIVATED or NOT_ACTIVATED. */
  activation_status: string;
  /** `salt:sha256` (hex) of the outstanding activation code, or NULL when none is. */
  code_hash: string | null;
  code_expires_at: number | null;
  code_failed_attempts: Generated<number>;
  /** Start of the window SendActivationCode's quota counts in, and codes sent in it. */
  codes_window_start: number | null;
  codes_in_window: Generated<number>;
  created_at: number;
  updated_at: number;
}

/** An outbound message, recorded at most once per idempotency key (src/engine/deliveries.ts). */
export interface EngineDeliveriesTable {
  idempotency_key: string;
  /** 'sending' | 'sent' | 'failed' | 'unknown'. */
  state: string;
  job_id: string | null;
  /** The job attempt that made the call. */
  attempt: number;
  provider_id: string | null;
  /** JSON of what the send returned. */
  result: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

/** One StartEngagement (or an incident's engagement of a contact). */
export interface EngagementsTable {
  seq: Generated<number>;
  arn: string;
  account_id: string;
  contact_arn: string;
  contact_type: string;
  sender: string;
  subject: string;
  content: string;
  public_subject: string | null;
  public_content: string | null;
  incident_id: string | null;
  /** The engaged contact's Plan JSON at the start. */
  plan: string;
  /** ACTIVE, ACKNOWLEDGED or STOPPED. */
  status: string;
  start_time: number;
  stop_time: number | null;
  stop_reason: string | null;
}

/** One personal contact engaged by an engagement. */
export interface PagesTable {
  seq: Generated<number>;
  arn: string;
  account_id: string;
  engagement_arn: string;
  contact_arn: string;
  stage_index: number | null;
  /** 1 when this contact's acknowledgement ends the engagement. */
  essential: number;
  /** JSON [{ContactArn, Type, StageIndex?}] from the engaged contact down to this one. */
  resolution: string;
  /** The personal contact's Plan JSON at the page's creation. */
  plan: string;
  accept_code: string;
  created_at: number;
  sent_time: number | null;
  delivery_time: number | null;
  read_time: number | null;
}

/** What happened to a page, step by step (ListPageReceipts). */
export interface PageReceiptsTable {
  seq: Generated<number>;
  page_arn: string;
  contact_channel_arn: string | null;
  /** SENT, DELIVERED, READ, ERROR or STOP. */
  receipt_type: string;
  receipt_info: string | null;
  receipt_time: number;
}

/** The whole database, table name to row type. */
export interface DB {
  settings: SettingsTable;
  access_keys: AccessKeysTable;
  accounts: AccountsTable;
  iam_users: IamUsersTable;
  iam_roles: IamRolesTable;
  iam_policies: IamPoliciesTable;
  iam_policy_versions: IamPolicyVersionsTable;
  iam_attachments: IamAttachmentsTable;
  iam_inline_policies: IamInlinePoliciesTable;
  iam_tags: IamTagsTable;
  replication_sets: ReplicationSetsTable;
  replication_regions: ReplicationRegionsTable;
  response_plans: ResponsePlansTable;
  tags: TagsTable;
  resource_policies: ResourcePoliciesTable;
  incidents: IncidentsTable;
  timeline_events: TimelineEventsTable;
  related_items: RelatedItemsTable;
  findings: FindingsTable;
  idempotency_tokens: IdempotencyTokensTable;
  contacts: ContactsTable;
  contact_plan_targets: ContactPlanTargetsTable;
  contact_channels: ContactChannelsTable;
  engine_jobs: EngineJobsTable;
  engine_deliveries: EngineDeliveriesTable;
  engagements: EngagementsTable;
  pages: PagesTable;
  page_receipts: PageReceiptsTable;
}
