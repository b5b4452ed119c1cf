/**
 * Everything is wired here, once: configuration in, database, services, the AWS API and
 * the HTTP listener out. The CLI and the tests both start Tocsin through createApp.
 */
import { AccountService, type Bootstrap } from './accounts/account-service.js';
import { AwsApi } from './api/aws-api.js';
import { startHttpServer, type RunningServer } from './api/http-server.js';
import { serviceDefinitions } from './api/services.js';
import type { Config } from './config/config.js';
import { openDatabase, type Database } from './db/database.js';
import { deleteExpiredTokens, tokenLifetimeMs } from './idempotency/idempotency.js';
import { IncidentService } from './incidents/incident-service.js';
import { createLogger, type Logger } from './logger.js';
import { ReplicationSetService } from './replication-sets/replication-set-service.js';
import { ResourcePolicyService } from './resource-policies/resource-policy-service.js';
import { ResponsePlanService } from './response-plans/response-plan-service.js';
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
  /** Graceful stop: finish in-flight requests, close the database. */
  close(): Promise<void>;
}

/** Test and embedding hooks. */
export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** Check every output against the model (tests). */
  strictOutput?: boolean;
}

/** Builds the services over an open database. */
export function createServices(database: Database, clock: Clock): AppServices {
  return {
    accounts: new AccountService(database, clock),
    replicationSets: new ReplicationSetService(database, clock),
    responsePlans: new ResponsePlanService(database, clock),
    incidents: new IncidentService(database, clock),
    timeline: new TimelineService(database, clock),
    tags: new TagService(database, clock),
    resourcePolicies: new ResourcePolicyService(database, clock),
  };
}

/** Opens the database, bootstraps the account, and starts listening. */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  let ready = false;
  let server: RunningServer | undefined;
  try {
    const services = createServices(database, clock);
    const api = new AwsApi({
      services: serviceDefinitions(),
      appServices: services,
      secrets: (id) => services.accounts.secretFor(id),
      callers: (id) => services.accounts.callerFor(id),
      clock,
      region: config.region,
      logger,
      strictOutput: opts.strictOutput,
    });
    // Listen before bootstrapping: if the port is taken, nothing is generated that the first
    // start should have shown (credentials are printed only when they are created).
    server = await startHttpServer({ api, maxBodyBytes: config.maxBodyBytes, logger, isReady: () => ready }, config.host, config.port);
    const bootstrap = await services.accounts.bootstrap({ accountId: config.accountId, rootCredentials: config.rootCredentials });
    const createdReplicationSet = config.autoReplicationSet
      ? await services.replicationSets.bootstrap(bootstrap.accountId, config.region)
      : undefined;
    ready = true;
    const running = server;
    // Expired clientTokens no longer count (src/idempotency); their rows are swept hourly.
    // (The durable engine of the next issues will own periodic work like this.)
    const sweep = setInterval(() => {
      database.write((trx) => deleteExpiredTokens(trx, clock.now().getTime() - tokenLifetimeMs))
        .catch((err) => logger.warn('token sweep failed', { error: String(err) }));
    }, 3600_000);
    sweep.unref();
    return {
      config, database, services, server: running, bootstrap, createdReplicationSet, logger,
      async close() {
        ready = false;
        clearInterval(sweep);
        await running.close();
        await database.close();
      },
    };
  } catch (err) {
    await server?.close();
    await database.close();
    throw err;
  }
}
