// Why: IAM identities (issue 3): accounts, users, roles, managed policies with versions,
// attachments, inline policies and tags; access keys gain users, last use and sealed secrets.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Creates the IAM tables. Names are unique per account case-insensitively, as in IAM: each
 * entity keeps its name as given and a `name_key` (lower case) that carries the uniqueness and
 * the listing order (byte order on both databases, so pages are the same everywhere).
 *
 * Access key secrets are sealed with the master key from now on, but a migration has no key:
 * existing rows get `sealed = 0` and the first start with a key seals them
 * (AccountService.sealStoredSecrets) before serving.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const nameKey = (c: any) => (pg ? c.modifyFront(sql`collate "C"`).notNull() : c.notNull());

  await db.schema.createTable('accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Accounts so far existed only through their root keys.
  await sql`INSERT INTO accounts (account_id, created_at)
    SELECT account_id, MIN(created_at) FROM access_keys GROUP BY account_id`.execute(db);

  await db.schema.alterTable('access_keys').addColumn('user_id', 'text').execute();
  await db.schema.alterTable('access_keys').addColumn('sealed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('access_keys').addColumn('last_used_at', 'bigint').execute();
  await db.schema.alterTable('access_keys').addColumn('last_used_service', 'text').execute();
  await db.schema.alterTable('access_keys').addColumn('last_used_region', 'text').execute();
  await db.schema.createIndex('access_keys_user_idx').on('access_keys').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('access_keys_unsealed_idx').on('access_keys').column('sealed').execute();

  await db.schema.createTable('iam_users')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', nameKey)
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('iam_users_account_name_key', ['account_id', 'name_key'])
    .execute();

  await db.schema.createTable('iam_roles')
    .addColumn('role_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', nameKey)
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('trust_policy', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('max_session_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('last_used_region', 'text')
    .addUniqueConstraint('iam_roles_account_name_key', ['account_id', 'name_key'])
    .execute();

  await db.schema.createTable('iam_policies')
    .addColumn('policy_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', nameKey)
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('default_version', 'text', (c) => c.notNull())
    // Version ids are never reused: v(n) for the n-th version ever created.
    .addColumn('versions_created', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('iam_policies_account_name_key', ['account_id', 'name_key'])
    .execute();

  await db.schema.createTable('iam_policy_versions')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('iam_policies.policy_id').onDelete('cascade'))
    .addColumn('version_num', 'integer', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_policy_versions_pk', ['policy_id', 'version_num'])
    .execute();

  // A managed policy (customer or built-in AWS managed) attached to a user or role.
  await db.schema.createTable('iam_attachments')
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('policy_arn', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('policy_name', 'text', (c) => c.notNull())
    .addColumn('policy_name_key', 'text', nameKey)
    .addColumn('policy_path', 'text', (c) => c.notNull())
    .addColumn('attached_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_attachments_pk', ['principal_id', 'policy_arn'])
    .execute();
  await db.schema.createIndex('iam_attachments_policy_idx').on('iam_attachments').columns(['policy_arn', 'account_id']).execute();

  await db.schema.createTable('iam_inline_policies')
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', nameKey)
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_inline_policies_pk', ['principal_id', 'name_key'])
    .execute();

  // Tags of users and roles (keys are case-insensitive in IAM).
  await db.schema.createTable('iam_tags')
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('key_lower', 'text', nameKey)
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_tags_pk', ['entity_id', 'key_lower'])
    .execute();
}
