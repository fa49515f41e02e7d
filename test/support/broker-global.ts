/**
 * Jest global setup and teardown: ONE real Kafka 3.7 broker per `npm test` run,
 * on free loopback ports (several checkouts run their tests at once on one
 * machine), in a temporary state folder, started only when the run includes a
 * broker test (a file named `*.broker.test.ts`).
 *
 * The contract with the test files (read through test/support/broker.ts):
 * - `MESH_TEST_BROKER` is the path of a JSON file {@link TestBroker}: the
 *   connection (admin login, CA file; `principals` empty — tests create their
 *   own), the state folder, and the Java and jars to run Kafka's tools with;
 * - or `MESH_TEST_BROKER_SKIP` says why there is no broker (no Java 17, no
 *   Maven or Maven Central): the broker tests skip, printing it. Under
 *   `CI=true` a missing broker fails the run here instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '@jest/types';
import { freePort, randomPassword, startBroker, type RunningBroker } from '../../local-mesh/broker';
import type { LocalConnection } from '../../local-mesh/connection';
import { LocalMeshError } from '../../local-mesh/errors';
import { ensureKafka, type KafkaJars } from '../../local-mesh/fetch';
import { findJava, type JavaHome } from '../../local-mesh/java';

/** What a broker test gets (the JSON file named by `MESH_TEST_BROKER`). */
export interface TestBroker {
  readonly connection: LocalConnection;
  /** The broker's state folder (its log is `<stateDir>/logs/server.log`). */
  readonly stateDir: string;
  readonly java: JavaHome;
  readonly kafka: KafkaJars;
}

/** The file name that marks a test as a broker test. */
export const BROKER_TEST = /\.broker\.test\.ts$/;

interface State {
  broker?: RunningBroker;
  dir?: string;
  watchdog?: number;
}
const STATE = Symbol.for('contract-mesh/test-broker');
const state = ((globalThis as Record<symbol, State>)[STATE] ??= {});

function listFiles(dir: string): string[] {
  const { readdirSync } = require('node:fs') as typeof import('node:fs');
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'fixtures') out.push(...listFiles(p));
    } else out.push(p);
  }
  return out;
}

/** Whether the run selects at least one broker test (by the run's path patterns and ignore patterns). */
export function runSelectsBrokerTests(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): boolean {
  if (globalConfig.onlyChanged || globalConfig.findRelatedTests) return true;
  const ignore = (projectConfig.testPathIgnorePatterns ?? []).map((p) => new RegExp(p.replace('<rootDir>', projectConfig.rootDir)));
  const matcher = globalConfig.testPathPatterns.toExecutor({ rootDir: globalConfig.rootDir });
  const files = (projectConfig.roots ?? [projectConfig.rootDir]).flatMap((r) => listFiles(r)).filter((f) => BROKER_TEST.test(f));
  return files.some((f) => !ignore.some((re) => re.test(f)) && (!matcher.isSet() || matcher.isMatch(f)));
}

export async function setup(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): Promise<void> {
  if (!runSelectsBrokerTests(globalConfig, projectConfig)) return;
  const root = resolve(__dirname, '..', '..');
  let java: JavaHome;
  let kafka: KafkaJars;
  try {
    java = findJava();
    kafka = await ensureKafka(root, java, (l) => process.stderr.write(`${l}\n`));
  } catch (err) {
    const reason = err instanceof LocalMeshError ? err.message : String(err);
    if (process.env.CI === 'true') throw new Error(`broker tests cannot run under CI=true: ${reason}`);
    process.env.MESH_TEST_BROKER_SKIP = reason;
    process.stderr.write(`\nbroker tests will be SKIPPED: ${reason}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'contract-mesh-broker-'));
  state.dir = dir;
  const admin = { username: 'mesh-admin-local', password: randomPassword() };
  const stateDir = join(dir, 'kafka');
  const broker = await startBroker({ dir: stateDir, port: await freePort(), controllerPort: await freePort(), admin, java, kafka });
  state.broker = broker;
  // If jest dies without its teardown (SIGKILL), the broker follows within seconds.
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; kill ${broker.pid} 2>/dev/null`], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  state.watchdog = watchdog.pid;
  const info: TestBroker = {
    connection: {
      bootstrapServers: [broker.bootstrap],
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'SCRAM-SHA-512',
      caFile: broker.caFile,
      admin: { principal: `User:${admin.username}`, ...admin },
      principals: {},
      postgres: { url: '', logins: {} },
    },
    stateDir,
    java,
    kafka,
  };
  const file = join(dir, 'test-broker.json');
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  process.env.MESH_TEST_BROKER = file;
}

export async function teardown(): Promise<void> {
  if (state.watchdog) {
    try {
      process.kill(state.watchdog);
    } catch {
      // already gone
    }
  }
  if (state.broker) await state.broker.stop();
  if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  state.broker = undefined;
  state.dir = undefined;
}
