/**
 * SCRAM-SHA-512 users through Kafka's own Admin API (KIP-554), by the small
 * Java tool compiled at fetch time (java/MeshScram.java): the Node client has
 * no call for it. Passwords travel on the tool's stdin, never on its command line.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalMeshError } from './errors';
import type { Login } from './broker';
import type { KafkaJars } from './fetch';
import type { JavaHome } from './java';

/** Where and how the tool connects. */
export interface ScramToolOptions {
  readonly java: JavaHome;
  readonly kafka: KafkaJars;
  /** A private folder for the tool's client properties (they hold the admin password). */
  readonly dir: string;
  readonly bootstrap: string;
  readonly caFile: string;
  readonly admin: Login;
}

/** Java client properties of the administrative identity (SASL_SSL, SCRAM-SHA-512, the CA as PEM trust store). */
export function adminClientProperties(bootstrap: string, caFile: string, admin: Login): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [
    `bootstrap.servers=${bootstrap}`,
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=${q(admin.username)} password=${q(admin.password)};`.replace(/\\/g, '\\\\'),
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${caFile}`,
    'request.timeout.ms=20000',
    'default.api.timeout.ms=30000',
    '',
  ].join('\n');
}

async function runTool(o: ScramToolOptions, command: 'describe' | 'upsert' | 'delete', stdin = ''): Promise<string> {
  const props = join(o.dir, 'admin-client.properties');
  writeFileSync(props, adminClientProperties(o.bootstrap, o.caFile, o.admin), { mode: 0o600 });
  const cp = `${o.kafka.toolsDir}:${o.kafka.jarsDir}/*`;
  return new Promise((resolve, reject) => {
    const child = spawn(o.java.java, ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-Dlog4j.configuration=file:/dev/null', '-Dlog4j.rootLogger=OFF', '-cp', cp, 'MeshScram', props, command], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new LocalMeshError(`could not run ${o.java.java}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else {
        const cause = err.split('\n').find((l) => /Exception|Error/.test(l)) ?? err.trim().split('\n').pop() ?? '';
        reject(new LocalMeshError(`the SCRAM ${command} through the Kafka Admin API failed (exit ${code}): ${cause.trim()}`));
      }
    });
    child.stdin.end(stdin);
  });
}

/** The users that have a SCRAM-SHA-512 credential. */
export async function scramUsers(o: ScramToolOptions): Promise<Set<string>> {
  const out = await runTool(o, 'describe');
  return new Set(out.split('\n').map((l) => l.trim()).filter(Boolean));
}

/** Creates or resets each user's SCRAM-SHA-512 credential. */
export async function upsertScramUsers(o: ScramToolOptions, users: readonly Login[]): Promise<void> {
  if (!users.length) return;
  for (const u of users) {
    if (/[\t\n\r]/.test(u.username) || /[\t\n\r]/.test(u.password)) throw new LocalMeshError(`SCRAM user ${JSON.stringify(u.username)}: a user name or password may not contain tabs or line breaks.`);
  }
  await runTool(o, 'upsert', users.map((u) => `${u.username}\t${u.password}\n`).join(''));
}

/** Deletes each user's SCRAM-SHA-512 credential. */
export async function deleteScramUsers(o: ScramToolOptions, usernames: readonly string[]): Promise<void> {
  if (usernames.length) await runTool(o, 'delete', usernames.map((u) => `${u}\n`).join(''));
}
