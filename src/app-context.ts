/**
 * Everything is wired here, once: configuration in, database, services, the AWS API and
 * the HTTP listener out. The CLI and the tests both start Tocsin through createApp.
 */
import { Authorizer } from './access/authorizer.js';
import { AccountService, type Bootstrap } from './accounts/account-service.js';
import { AwsApi } from './api/aws-api.js';
import { startHttpServer, type RunningServer } from './api/http-server.js';
import { pageRoutes } from './api/page-routes.js';
import { serviceDefinitions } from './api/services.js';
import { ConfigError, type Config } from './config/config.js';
import { ContactChannelService } from './contacts/contact-channel-service.js';
import { ContactService } from './contacts/contact-service.js';
import { loadOrCreateKeyFile, SecretBox } from './crypto/secret-box.js';
import { openDatabase, type Database } from './db/database.js';
import { createDeliverer } from './delivery/index.js';
import { DeliveryError, type Deliverer } from './delivery/delivery.js';
import { EngagementRunner } from './engagements/engagement-runner.js';
import { EngagementService } from './engagements/engagement-service.js';
import { IncidentNotes } from './engagements/incident-notes.js';
import { noRotationsYet, type OnCallSource } from './engagements/on-call.js';
import { PageLinks } from './engagements/page-links.js';
import { Engine } from './engine/engine.js';
import { tokenSweep } from './engine/token-sweep.js';
import { ChangeFeed } from './iam/change-feed.js';
import { IamService } from './iam/iam-service.js';
import { IncidentService } from './incidents/incident-service.js';
import { createLogger, type Logger } from './logger.js';
import { ReplicationSetService } from './replication-sets/replication-set-service.js';
import { ResourcePolicyService } from './resource-policies/resource-policy-service.js';
import { ResponsePlanService } from './response-plans/response-plan-service.js';
import { StsService } from './sts/sts-service.js';
import { TagService } from './tags/tag-service.js';
import { systemClock, type Clock } from './time/clock.js';
import { TimelineService } from './timeline/timeline-service.js';

/** The domain services, as handlers see them. */
export interface AppServices {
  accounts: AccountService;
  replicationSets: ReplicationSetService;
  responsePlans: ResponsePlanService;
  incidents: IncidentService;
  timeline: TimelineService;
  tags: TagService;
  resourcePolicies: ResourcePolicyService;
  contacts: ContactService;
  contactChannels: ContactChannelService;
  iam: IamService;
  sts: StsService;
  /** The one authorization decision (also AssumeRole's and the runbook role check). */
  access: Authorizer;
  /** The durable work queue: services enqueue jobs in their transactions and register kinds on it. */
  engine: Engine;
  /** Engagements and pages (ssm-contacts), and acknowledgement links. */
  engagements: EngagementService;
  pageLinks: PageLinks;
}

/** A started Tocsin. */
export interface App {
  config: Config;
  database: Database;
  services: AppServices;
  server: RunningServer;
  bootstrap: Bootstrap;
  /** ARN of the replication set this start created, if it created one. */
  createdReplicationSet?: string;
  logger: Logger;
  /** The durable work queue (also services.engine), running once the app is ready. */
  engine: Engine;
  /** Graceful stop: finish in-flight requests and jobs, close the database. */
  close(): Promise<void>;
}

/** Test and embedding hooks. */
export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** Check every output against the model (tests). */
  strictOutput?: boolean;
  /** Sends messages to contact channels (activation codes, pages); default: the configured providers (src/delivery). */
  deliverer?: Deliverer;
  /** Registers extra job kinds before the engine starts (tests, embedding). */
  jobs?: (engine: Engine, services: AppServices) => void | Promise<void>;
}

/** What the services send through, besides the database (createServices' optional dependencies). */
export interface ServiceDeps {
  deliverer?: Deliverer;
  /** The job engine; default: one over `database` that nothing starts (unit tests). */
  engine?: Engine;
  /** The base URL of acknowledgement links; default: none (messages carry only the code). */
  publicUrl?: () => string | undefined;
  /** SMS replies reach this server (Twilio's incoming-message webhook): SMS pages say to reply with the code. */
  smsReplies?: boolean;
  /** Who on-call schedules have on call (the rotations of issue 5); default: nobody. */
  onCall?: OnCallSource;
  logger?: Logger;
}

/**
 * createServices' Deliverer when none is given (unit tests, CLI commands that send nothing): it
 * can deliver nothing and says so (a permanent DeliveryError). createApp passes the providers
 * the configuration names (src/delivery), which say the same for an unconfigured channel type.
 */
export const noDeliveryProvider: Deliverer = {
  canDeliver: () => false,
  send: async (message) => {
    throw new DeliveryError(`no delivery provider is configured for ${message.channelType}`, true);
  },
};

/**
 * Builds the services over an open database; `box` seals and opens stored secrets, `region` is
 * the region this server acts as (resource ARNs the authorizer builds). `engine` is where
 * services enqueue their jobs and register their kinds (createApp starts it; a CLI command
 * that only enqueues leaves the jobs to the servers).
 */
export function createServices(database: Database, clock: Clock, box: SecretBox, region = 'us-east-1', deps: ServiceDeps = {}): AppServices {
  const engine = deps.engine ?? new Engine({ database, clock, logger: createLogger('warn') });
  engine.register(tokenSweep);
  // Credential and policy caches listen to one feed: IAM changes and root key changes alike.
  const changes = new ChangeFeed();
  const iam = new IamService(database, clock, box, changes);
  const tags = new TagService(database, clock);
  const resourcePolicies = new ResourcePolicyService(database, clock);
  const contacts = new ContactService(database, clock, region);
  // aws:ResourceTag/KEY: IAM users' and roles' tags for IAM actions, the tags table for the rest.
  const resourceTags = { tagsOf: (arn: string) => (arn.startsWith('arn:aws:iam::') ? iam.tagsOfArn(arn) : tags.tagsOf(arn)) };
  // Response plans' and contacts' policies share one table; either service's change refreshes the cache.
  const resources = {
    policiesOf: (arn: string) => resourcePolicies.policiesOf(arn),
    get changeCount() {
      return resourcePolicies.changeCount + contacts.changeCount;
    },
  };
  const access = new Authorizer({ identity: iam, resources, tags: resourceTags, clock, region });
  const deliverer = deps.deliverer ?? noDeliveryProvider;
  const pageLinks = new PageLinks(box, deps.publicUrl ?? (() => undefined));
  const notes = new IncidentNotes();
  const runner = new EngagementRunner({
    database, engine, deliverer, links: pageLinks, onCall: deps.onCall ?? noRotationsYet, notes,
    logger: deps.logger ?? createLogger('warn'), region, smsReplies: deps.smsReplies,
  });
  const engagements = new EngagementService(database, clock, region, runner, notes);
  // Incidents engage their plan's contacts when they open and stop them when resolved.
  const incidentHooks = {
    opened: engagements.engageForIncident.bind(engagements),
    resolved: engagements.stopForIncident.bind(engagements),
  };
  return {
    accounts: new AccountService(database, clock, box, changes),
    replicationSets: new ReplicationSetService(database, clock),
    responsePlans: new ResponsePlanService(database, clock),
    incidents: new IncidentService(database, clock, incidentHooks),
    timeline: new TimelineService(database, clock),
    tags,
    resourcePolicies,
    contacts,
    contactChannels: new ContactChannelService(database, clock, region, deliverer),
    iam,
    sts: new StsService(database, clock, box, iam, access),
    access,
    engine,
    engagements,
    pageLinks,
  };
}

/**
 * The master key: TOCSIN_MASTER_KEY, else `<data dir>/master.key` (generated at first start,
 * on PostgreSQL too: nodes sharing a database must then be given the same key).
 */
export function masterKeyOf(config: Config): SecretBox {
  if (config.masterKey) return new SecretBox(config.masterKey);
  try {
    return new SecretBox(loadOrCreateKeyFile(config.dataDir));
  } catch (err) {
    throw new ConfigError(`cannot use the master key file: ${(err as Error).message}`);
  }
}

/** Opens the database, bootstraps the account, and starts listening. */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const box = masterKeyOf(config);
  if (config.databaseUrl && !config.masterKey) {
    logger.warn('TOCSIN_MASTER_KEY is not set: stored secrets are sealed with the key in the data directory; every node sharing this database needs the same key', {
      file: `${config.dataDir}/master.key`,
    });
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  let ready = false;
  let server: RunningServer | undefined;
  const engine = new Engine({ database, clock, logger, listenUrl: config.databaseUrl, ...config.engine });
  const delivery = opts.deliverer ? undefined : createDeliverer(config, logger, { clock });
  const deliverer = opts.deliverer ?? delivery!;
  try {
    // Links and callbacks use TOCSIN_PUBLIC_URL when it is set, else the address this server listens on.
    const publicUrl = () => config.delivery.callbackBaseUrl ?? server?.url;
    const services = createServices(database, clock, box, config.region, {
      deliverer, engine, publicUrl, logger, smsReplies: config.delivery.providers.SMS === 'twilio',
    });
    await opts.jobs?.(engine, services);
    // Before serving: the key must be the database's, and secrets stored in plaintext by older versions get sealed.
    const sealed = await services.accounts.sealStoredSecrets();
    if (sealed > 0) logger.info('sealed stored secrets with the master key', { count: sealed });
    const api = new AwsApi({
      authorize: (caller, service, operation, input, request) => services.access.authorize(caller, service, operation, input, { secureTransport: false, ...request }),
      services: serviceDefinitions(),
      appServices: services,
      secrets: (id, token) => services.sts.credentials.secretFor(id, token),
      callers: (id, use) => services.sts.credentials.callerFor(id, use),
      clock,
      region: config.region,
      logger,
      strictOutput: opts.strictOutput,
    });
    // Listen before bootstrapping: if the port is taken, nothing is generated that the first
    // start should have shown (credentials are printed only when they are created).
    const routes = pageRoutes({ engagements: services.engagements, links: services.pageLinks, config, publicUrl: () => publicUrl() ?? '', logger });
    server = await startHttpServer({ api, routes, maxBodyBytes: config.maxBodyBytes, logger, isReady: () => ready }, config.host, config.port);
    const bootstrap = await services.accounts.bootstrap({ accountId: config.accountId, rootCredentials: config.rootCredentials });
    const createdReplicationSet = config.autoReplicationSet
      ? await services.replicationSets.bootstrap(bootstrap.accountId, config.region)
      : undefined;
    // Expired clientTokens no longer count (src/idempotency); their rows are swept hourly.
    await database.write((trx) => tokenSweep.ensure(engine, trx, clock.now()));
    ready = true;
    await engine.start();
    const running = server;
    return {
      config, database, services, server: running, bootstrap, createdReplicationSet, logger, engine,
      async close() {
        ready = false;
        // Requests may still enqueue while they finish: those jobs wait in the database.
        await Promise.all([running.close(), engine.stop()]);
        await delivery?.close();
        await database.close();
      },
    };
  } catch (err) {
    await server?.close();
    await engine.stop();
    await delivery?.close();
    await database.close();
    throw err;
  }
}
