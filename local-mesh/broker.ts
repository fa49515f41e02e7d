/**
 * A single-node Apache Kafka broker (KRaft, combined broker and controller) on
 * loopback, set up like the MSK clusters the platform stack deploys:
 *
 * - the client listener is SASL_SSL with SCRAM-SHA-512, its certificate made
 *   by the JDK's `keytool` at the first start (a throwaway CA, whose private
 *   key is deleted once it has signed; `ca.pem` is what clients trust);
 * - the controller listener is loopback-only SASL_PLAINTEXT with PLAIN (KRaft
 *   cannot use SCRAM there: the controller quorum must run before SCRAM
 *   credentials can be read), as the same administrative identity;
 * - `StandardAuthorizer`, `allow.everyone.if.no.acl.found=false`,
 *   `auto.create.topics.enable=false`, and the administrative identity — its
 *   SCRAM credential written when the storage is formatted (KIP-900) — as the
 *   only super user;
 * - logs go to `<dir>/logs/`, never to the terminal.
 *
 * Every file lives under one state folder (`.mesh/local/kafka` for
 * `npm run mesh:up`, a temporary folder for the tests).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connectKafka } from '../runtime/kafka';
import { LocalMeshError } from './errors';
import type { KafkaJars } from './fetch';
import type { JavaHome } from './java';

/** The administrative identity's SCRAM login. */
export interface Login {
  readonly username: string;
  readonly password: string;
}

/** Options of {@link startBroker}. */
export interface BrokerOptions {
  /** The state folder: data, configuration, certificates and logs. */
  readonly dir: string;
  /** The client listener's port on 127.0.0.1. */
  readonly port: number;
  /** The controller listener's port on 127.0.0.1. */
  readonly controllerPort: number;
  /**
   * The environment variable that moves `port`, for the message when it is taken.
   * @default - the message names no variable
   */
  readonly portVariable?: string;
  /** The administrative identity (the only super user). */
  readonly admin: Login;
  readonly java: JavaHome;
  readonly kafka: KafkaJars;
  /**
   * Run the broker in its own session, so that it outlives this process (`npm run mesh:up`).
   * @default false - it is this process's child, and stops with the terminal's Ctrl-C
   */
  readonly detached?: boolean;
  /**
   * The JVM's maximum heap, MiB.
   * @default 512
   */
  readonly heapMb?: number;
  /**
   * Milliseconds to wait until the broker accepts a SCRAM login.
   * @default 90000
   */
  readonly readyTimeoutMs?: number;
}

/** A running broker. */
export interface RunningBroker {
  readonly pid: number;
  /** `127.0.0.1:<port>`. */
  readonly bootstrap: string;
  /** The CA certificate (PEM) that signs the broker's certificate. */
  readonly caFile: string;
  /** The broker's log (log4j). */
  readonly logFile: string;
  /** Stops the broker (SIGTERM, then SIGKILL after 30 s) and waits until it has exited. */
  stop(): Promise<void>;
}

/** The files of a broker state folder. */
export function brokerFiles(dir: string) {
  return {
    dataDir: join(dir, 'data'),
    configFile: join(dir, 'server.properties'),
    log4jFile: join(dir, 'log4j.properties'),
    logDir: join(dir, 'logs'),
    logFile: join(dir, 'logs', 'server.log'),
    stdoutFile: join(dir, 'logs', 'broker.out'),
    tlsDir: join(dir, 'tls'),
    caFile: join(dir, 'tls', 'ca.pem'),
    keystoreFile: join(dir, 'tls', 'broker.p12'),
    keystorePasswordFile: join(dir, 'tls', 'keystore-password'),
    pidFile: join(dir, 'broker.pid'),
  };
}

/** A JAAS string literal. */
function jaasQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Escapes a value for a Java properties file. */
function prop(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** The broker's `server.properties` (pure: the same inputs give the same file). */
export function brokerProperties(o: { dataDir: string; port: number; controllerPort: number; admin: Login; keystoreFile: string; keystorePassword: string; caFile: string }): string {
  const scram = `org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaasQuote(o.admin.username)} password=${jaasQuote(o.admin.password)};`;
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required username=${jaasQuote(o.admin.username)} password=${jaasQuote(o.admin.password)} user_${o.admin.username}=${jaasQuote(o.admin.password)};`;
  const lines: Array<[string, string]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', '1'],
    ['controller.quorum.voters', `1@127.0.0.1:${o.controllerPort}`],
    ['listeners', `CLIENT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`],
    ['advertised.listeners', `CLIENT://127.0.0.1:${o.port}`],
    ['listener.security.protocol.map', 'CLIENT:SASL_SSL,CONTROLLER:SASL_PLAINTEXT'],
    ['inter.broker.listener.name', 'CLIENT'],
    ['controller.listener.names', 'CONTROLLER'],
    // Clients and the broker itself: SCRAM-SHA-512 over TLS, as on MSK.
    ['sasl.mechanism.inter.broker.protocol', 'SCRAM-SHA-512'],
    ['listener.name.client.sasl.enabled.mechanisms', 'SCRAM-SHA-512'],
    ['listener.name.client.scram-sha-512.sasl.jaas.config', scram],
    // The controller listener: loopback, PLAIN with the one administrative login.
    ['sasl.mechanism.controller.protocol', 'PLAIN'],
    ['listener.name.controller.sasl.enabled.mechanisms', 'PLAIN'],
    ['listener.name.controller.plain.sasl.jaas.config', plain],
    ['ssl.keystore.type', 'PKCS12'],
    ['ssl.keystore.location', o.keystoreFile],
    ['ssl.keystore.password', o.keystorePassword],
    ['ssl.key.password', o.keystorePassword],
    ['ssl.truststore.type', 'PEM'],
    ['ssl.truststore.location', o.caFile],
    ['ssl.endpoint.identification.algorithm', 'https'],
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    ['super.users', `User:${o.admin.username}`],
    ['allow.everyone.if.no.acl.found', 'false'],
    ['auto.create.topics.enable', 'false'],
    ['log.dirs', o.dataDir],
    ['num.partitions', '1'],
    ['default.replication.factor', '1'],
    ['min.insync.replicas', '1'],
    ['offsets.topic.replication.factor', '1'],
    ['offsets.topic.num.partitions', '5'],
    ['transaction.state.log.replication.factor', '1'],
    ['transaction.state.log.min.isr', '1'],
    ['group.initial.rebalance.delay.ms', '0'],
    ['num.network.threads', '2'],
    ['num.io.threads', '2'],
    ['num.recovery.threads.per.data.dir', '1'],
    ['log.retention.check.interval.ms', '300000'],
  ];
  return `# Written by contract-mesh (local-mesh/broker.ts) at every start; edits are overwritten.\n${lines.map(([k, v]) => `${k}=${prop(v)}`).join('\n')}\n`;
}

/** The broker's log4j 1 configuration: everything to a rolling file. */
export function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${prop(logFile)}`,
    'log4j.appender.file.MaxFileSize=20MB',
    'log4j.appender.file.MaxBackupIndex=2',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // Authorization decisions (denials at INFO): what a missing ACL looks like from the broker's side.
    'log4j.logger.kafka.authorizer.logger=INFO',
    'log4j.logger.kafka.request.logger=WARN',
    '',
  ].join('\n');
}

/** A random password: 32 characters of [A-Za-z0-9] (~190 bits; nothing a JAAS or URL needs to escape). */
export function randomPassword(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      // Rejection sampling: 248 = 4 × 62 keeps every character equally likely.
      if (b < 248 && out.length < length) out += alphabet[b % 62];
    }
  }
  return out;
}

/**
 * A Kafka cluster id: 16 random bytes, base64url without padding — never starting with `-`, which the storage tool's
 * argument parser would take for an option (one id in 64; Kafka's own `Uuid.randomUuid()` draws again too).
 */
export function clusterId(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Throws when `port` on 127.0.0.1 is taken. */
export async function assertPortFree(port: number, variable?: string, what = 'the Kafka broker'): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  if (!free) {
    throw new LocalMeshError(`port ${port} on 127.0.0.1 is in use, so ${what} cannot listen there${variable ? `: set ${variable} to a free port (e.g. ${variable}=${port + 100}) for \`npm run synth\` and this command (the stacks record the port)` : ': another process holds it'}.`);
  }
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** JVM flags for the short-lived tools (keytool, the storage formatter): start fast, no server compiler. */
const QUICK_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new LocalMeshError(`${what} failed (${cmd} exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' ')}`);
}

/**
 * The broker's TLS material, made once per state folder with keytool: a CA (its key deleted after
 * signing), and a PKCS12 keystore with the broker's key and a certificate for 127.0.0.1 and localhost.
 */
export function ensureCertificates(dir: string, java: JavaHome): { caFile: string; keystoreFile: string; keystorePassword: string } {
  const f = brokerFiles(dir);
  if (existsSync(f.caFile) && existsSync(f.keystoreFile) && existsSync(f.keystorePasswordFile)) {
    return { caFile: f.caFile, keystoreFile: f.keystoreFile, keystorePassword: readFileSync(f.keystorePasswordFile, 'utf8').trim() };
  }
  rmSync(f.tlsDir, { recursive: true, force: true });
  mkdirSync(f.tlsDir, { recursive: true, mode: 0o700 });
  const pass = randomPassword();
  const caStore = join(f.tlsDir, 'ca.p12');
  const csr = join(f.tlsDir, 'broker.csr');
  const cert = join(f.tlsDir, 'broker.pem');
  const store = ['-storetype', 'PKCS12', '-storepass', pass, '-keypass', pass];
  const kt = (args: string[], what: string) => run(java.keytool, [...QUICK_JVM.map((f) => `-J${f}`), ...args], what);
  const key = ['-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '825'];
  kt(['-genkeypair', '-alias', 'ca', ...key, '-dname', 'CN=contract-mesh local CA', '-ext', 'bc:c', '-keystore', caStore, ...store], 'making the local CA');
  kt(['-exportcert', '-rfc', '-alias', 'ca', '-keystore', caStore, '-storepass', pass, '-file', f.caFile], 'exporting the CA certificate');
  kt(['-genkeypair', '-alias', 'broker', ...key, '-dname', 'CN=127.0.0.1', '-keystore', f.keystoreFile, ...store], "making the broker's key");
  kt(['-certreq', '-alias', 'broker', '-keystore', f.keystoreFile, '-storepass', pass, '-file', csr], "requesting the broker's certificate");
  kt(['-gencert', '-rfc', '-alias', 'ca', '-keystore', caStore, '-storepass', pass, '-infile', csr, '-outfile', cert, '-validity', '825', '-ext', 'SAN=IP:127.0.0.1,DNS:localhost', '-ext', 'EKU=serverAuth,clientAuth'], "signing the broker's certificate");
  kt(['-importcert', '-noprompt', '-alias', 'ca', '-keystore', f.keystoreFile, '-storepass', pass, '-file', f.caFile], 'importing the CA');
  kt(['-importcert', '-alias', 'broker', '-keystore', f.keystoreFile, '-storepass', pass, '-file', cert], "importing the broker's certificate");
  // The CA signs nothing else: its key goes, so a copied ca.pem cannot be used to mint certificates.
  rmSync(caStore);
  rmSync(csr);
  writeFileSync(f.keystorePasswordFile, `${pass}\n`, { mode: 0o600 });
  chmodSync(f.keystoreFile, 0o600);
  return { caFile: f.caFile, keystoreFile: f.keystoreFile, keystorePassword: pass };
}

function classPath(kafka: KafkaJars): string {
  return `${kafka.jarsDir}/*`;
}

function jvmOptions(o: BrokerOptions, log4jFile: string): string[] {
  return [
    `-Xmx${o.heapMb ?? 512}m`,
    '-Xms128m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jFile}`,
    `-Dkafka.logs.dir=${brokerFiles(o.dir).logDir}`,
  ];
}

/** Whether `pid` is a live broker process started from `dir` (its command line names dir's server.properties). */
export function isBrokerProcess(pid: number, dir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\u0000');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(brokerFiles(dir).configFile);
  } catch {
    return false;
  }
}

/** Waits until `pid` has exited. */
async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Stops the broker whose pid file is in `dir` (if it runs); true when one was stopped. */
export async function stopBroker(dir: string): Promise<boolean> {
  const f = brokerFiles(dir);
  if (!existsSync(f.pidFile)) return false;
  const pid = Number(readFileSync(f.pidFile, 'utf8').trim());
  rmSync(f.pidFile, { force: true });
  if (!pid || !isBrokerProcess(pid, dir)) return false;
  process.kill(pid, 'SIGTERM');
  if (!(await waitForExit(pid, 30_000))) {
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
  return true;
}

/** The pid of the broker running from `dir`, or undefined. */
export function runningBrokerPid(dir: string): number | undefined {
  const f = brokerFiles(dir);
  if (!existsSync(f.pidFile)) return undefined;
  const pid = Number(readFileSync(f.pidFile, 'utf8').trim());
  return pid && isBrokerProcess(pid, dir) ? pid : undefined;
}

function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Formats the storage at the first start (cluster id, the admin's SCRAM credential), writes the
 * configuration, starts the broker and waits until it accepts a SCRAM login as the admin.
 */
export async function startBroker(o: BrokerOptions): Promise<RunningBroker> {
  const f = brokerFiles(o.dir);
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  mkdirSync(f.logDir, { recursive: true });
  await assertPortFree(o.port, o.portVariable);
  await assertPortFree(o.controllerPort, undefined, "the Kafka broker's controller listener");
  const tls = ensureCertificates(o.dir, o.java);
  writeFileSync(f.configFile, brokerProperties({ dataDir: f.dataDir, port: o.port, controllerPort: o.controllerPort, admin: o.admin, ...tls }), { mode: 0o600 });
  writeFileSync(f.log4jFile, log4jProperties(f.logFile));
  const cp = classPath(o.kafka);
  if (!existsSync(join(f.dataDir, 'meta.properties'))) {
    // KIP-900: the admin's SCRAM credential is part of the formatted metadata, so the broker can
    // authenticate itself and the admin from the first start.
    run(
      o.java.java,
      [...QUICK_JVM, '-Xmx256m', `-Dlog4j.configuration=file:${f.log4jFile}`, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', f.configFile, '--add-scram', `SCRAM-SHA-512=[name=${o.admin.username},password=${o.admin.password}]`],
      'formatting the broker storage',
    );
  }
  const out = openSync(f.stdoutFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(o.java.java, [...jvmOptions(o, f.log4jFile), '-cp', cp, 'kafka.Kafka', f.configFile], {
      detached: o.detached ?? false,
      stdio: ['ignore', out, out],
    });
  } finally {
    closeSync(out);
  }
  const pid = child.pid as number;
  writeFileSync(f.pidFile, `${pid}\n`);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  if (o.detached) child.unref();
  const bootstrap = `127.0.0.1:${o.port}`;
  const ca = readFileSync(tls.caFile, 'utf8');
  const deadline = Date.now() + (o.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (exited !== undefined) {
      rmSync(f.pidFile, { force: true });
      throw new LocalMeshError(`the Kafka broker exited during start-up (exit ${exited}); the end of ${f.logFile}:\n${tailOf(f.logFile)}\n${tailOf(f.stdoutFile, 5)}`);
    }
    const client = connectKafka({ brokers: [bootstrap], caPem: ca, sasl: { mechanism: 'scram-sha-512', ...o.admin }, retries: 0, connectionTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
    try {
      await client.withAdmin((a) => a.describeCluster());
      break;
    } catch {
      // not up yet
    } finally {
      await client.close();
    }
    if (Date.now() > deadline) {
      await stopBroker(o.dir);
      throw new LocalMeshError(`the Kafka broker did not accept a SCRAM login within ${Math.round((o.readyTimeoutMs ?? 90_000) / 1000)} s; the end of ${f.logFile}:\n${tailOf(f.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    pid,
    bootstrap,
    caFile: tls.caFile,
    logFile: f.logFile,
    stop: () => stopBroker(o.dir).then(() => undefined),
  };
}
