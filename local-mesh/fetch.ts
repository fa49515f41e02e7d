/**
 * The broker's jars: Apache Kafka (`org.apache.kafka:kafka_2.13`) and its
 * run-time dependencies, fetched by Maven from Maven Central with
 * local-mesh/pom.xml into a cache outside git —
 * `node_modules/.cache/contract-mesh/kafka-<version>-<pom hash>/` (Maven keeps
 * its own copy in ~/.m2, so a fresh `npm ci` refetches in seconds, offline).
 * The first fetch prints Maven's downloads as progress; later starts reuse
 * the folder. The SCRAM tool (java/MeshScram.java) is compiled against the
 * jars into the same folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultCacheDir, markUsed, pruneUnused, sha256 } from '../contracts/build-cache';
import { LocalMeshError } from './errors';
import type { JavaHome } from './java';

/** The pom and the SCRAM tool's source. */
export const POM_FILE = resolve(__dirname, 'pom.xml');
export const SCRAM_TOOL_SOURCE = resolve(__dirname, 'java', 'MeshScram.java');

/** The Kafka version local-mesh/pom.xml fetches. */
export function kafkaVersion(pom: string = readFileSync(POM_FILE, 'utf8')): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!m) throw new LocalMeshError(`${POM_FILE} has no <kafka.version>: restore it from git.`);
  return m[1];
}

/** A fetched broker. */
export interface KafkaJars {
  readonly version: string;
  /** The folder of jars: the class path is `<jarsDir>/*`. */
  readonly jarsDir: string;
  /** The compiled SCRAM tool's folder (add it to the class path). */
  readonly toolsDir: string;
}

/** Where the jars of this pom go. */
export function kafkaCacheDir(root: string): string {
  const pom = readFileSync(POM_FILE, 'utf8');
  const tool = readFileSync(SCRAM_TOOL_SOURCE, 'utf8');
  return join(defaultCacheDir(root), `kafka-${kafkaVersion(pom)}-${sha256(`${pom}\u0000${tool}`).slice(0, 16)}`);
}

/** The fetched jars, or undefined when they have not been fetched yet (never fetches). */
export function fetchedKafka(root: string): KafkaJars | undefined {
  const dir = kafkaCacheDir(root);
  if (!existsSync(join(dir, 'ready'))) return undefined;
  return { version: kafkaVersion(), jarsDir: join(dir, 'jars'), toolsDir: join(dir, 'classes') };
}

function which(cmd: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, cmd))) return join(d, cmd);
  return undefined;
}

/**
 * The broker's jars, fetched with Maven when they are not in the cache yet.
 * `log` receives progress lines (the first fetch only).
 */
export async function ensureKafka(root: string, java: JavaHome, log: (line: string) => void = (l) => console.log(l)): Promise<KafkaJars> {
  const have = fetchedKafka(root);
  const dir = kafkaCacheDir(root);
  if (have) {
    markUsed(dir);
    return have;
  }
  const mvn = which('mvn');
  if (!mvn) throw new LocalMeshError('Maven is needed once, to fetch the Kafka broker from Maven Central: install Maven 3.8 or newer (Debian/Ubuntu: apt-get install maven), then run `npm run mesh:fetch`.');
  const version = kafkaVersion();
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`contract-mesh: fetching Apache Kafka ${version} (org.apache.kafka:kafka_2.13) and its dependencies with Maven (first start only; cached in ${dir})`);
  const started = Date.now();
  const args = ['-B', '-f', POM_FILE, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(partial, 'jars')}`];
  const tail: string[] = [];
  const code = await new Promise<number>((done) => {
    const child = spawn(mvn, args, { env: { ...process.env, JAVA_HOME: java.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        // Maven's own progress: one line per artifact it downloads (none when ~/.m2 has them all).
        const m = /Downloaded from \S+: \S+\/([^/\s]+\.(?:jar|pom)) \(([^)]+)\)/.exec(line);
        if (m && m[1].endsWith('.jar')) log(`  downloaded ${m[1]} (${m[2]})`);
      });
    }
    child.on('error', () => done(-1));
    child.on('close', (c) => done(c ?? -1));
  });
  if (code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new LocalMeshError(`Maven could not fetch Apache Kafka ${version} from Maven Central (exit ${code}); its last lines:\n${tail.join('\n')}\nCheck that Maven Central is reachable, then run \`npm run mesh:fetch\` again.`);
  }
  const jars = readdirSync(join(partial, 'jars')).filter((f) => f.endsWith('.jar'));
  const classes = join(partial, 'classes');
  mkdirSync(classes);
  const javac = spawnSync(java.javac, ['-nowarn', '-d', classes, '-cp', `${join(partial, 'jars')}/*`, SCRAM_TOOL_SOURCE], { encoding: 'utf8' });
  if (javac.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new LocalMeshError(`javac could not compile ${SCRAM_TOOL_SOURCE} against Kafka ${version}: ${javac.stderr.trim()}`);
  }
  writeFileSync(join(partial, 'ready'), `${JSON.stringify({ version, jars: jars.length, fetchedAt: new Date().toISOString() })}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  pruneUnused(defaultCacheDir(root), /^kafka-[^/]+-[0-9a-f]{16}$/, dir);
  log(`contract-mesh: Apache Kafka ${version}: ${jars.length} jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { version, jarsDir: join(dir, 'jars'), toolsDir: join(dir, 'classes') };
}
