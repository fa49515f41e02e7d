/**
 * Java 17 for the broker, pinned explicitly: Kafka 3.7 supports Java 8, 11 and
 * 17, and the machines also carry newer JDKs (a Temurin 25 under
 * /usr/lib/jvm), which Kafka 3.7 was never tested on.
 *
 * Looked up, in order: `MESH_JAVA_HOME` (must be 17, else an error), then
 * `JAVA_HOME`, the JDKs under /usr/lib/jvm and the `java` on PATH — the first
 * that is a Java 17 JDK (with `javac`: the SCRAM tool is compiled from source
 * at fetch time) wins.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalMeshError } from './errors';

/** The Java major version the broker runs on. */
export const JAVA_MAJOR = 17;

/** A Java installation. */
export interface JavaHome {
  readonly home: string;
  /** The full version, e.g. `17.0.15`. */
  readonly version: string;
  readonly java: string;
  readonly javac: string;
  readonly keytool: string;
}

const INSTALL = `install a Java ${JAVA_MAJOR} JDK (Debian/Ubuntu: apt-get install openjdk-${JAVA_MAJOR}-jdk-headless; elsewhere Temurin ${JAVA_MAJOR}) and point MESH_JAVA_HOME at it`;

/** The version of the Java installation at `home` (from its `release` file, without starting a JVM), or undefined. */
export function javaVersionAt(home: string): string | undefined {
  const release = join(home, 'release');
  if (existsSync(release)) {
    const m = /^JAVA_VERSION="([^"]+)"/m.exec(readFileSync(release, 'utf8'));
    if (m) return m[1];
  }
  const java = join(home, 'bin', 'java');
  if (!existsSync(java)) return undefined;
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  return /version "([^"]+)"/.exec(`${r.stderr}${r.stdout}`)?.[1];
}

/** The major version of a Java version string (`1.8.0_392` → 8, `17.0.15` → 17). */
export function javaMajor(version: string): number {
  const parts = version.split(/[.+_-]/).map(Number);
  return parts[0] === 1 ? parts[1] : parts[0];
}

function describe(home: string): JavaHome | undefined {
  const version = javaVersionAt(home);
  if (!version || javaMajor(version) !== JAVA_MAJOR) return undefined;
  const bin = (n: string) => join(home, 'bin', n);
  if (!existsSync(bin('java')) || !existsSync(bin('javac')) || !existsSync(bin('keytool'))) return undefined;
  return { home, version, java: bin('java'), javac: bin('javac'), keytool: bin('keytool') };
}

function javaOnPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    const java = join(dir, 'java');
    if (dir && existsSync(java)) {
      try {
        return dirname(dirname(realpathSync(java)));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Finds the Java 17 JDK to run the broker with; throws a {@link LocalMeshError} saying what to install. */
export function findJava(env: NodeJS.ProcessEnv = process.env, jvmDir = '/usr/lib/jvm'): JavaHome {
  const pinned = env.MESH_JAVA_HOME;
  if (pinned) {
    const found = describe(pinned);
    if (found) return found;
    const version = javaVersionAt(pinned);
    throw new LocalMeshError(
      version
        ? `MESH_JAVA_HOME=${pinned} is Java ${version}${existsSync(join(pinned, 'bin', 'javac')) ? '' : ' without javac'}, but the local Kafka 3.7 broker needs a Java ${JAVA_MAJOR} JDK: ${INSTALL}.`
        : `MESH_JAVA_HOME=${pinned} is not a Java installation: ${INSTALL}.`,
    );
  }
  const candidates: string[] = [];
  if (env.JAVA_HOME) candidates.push(env.JAVA_HOME);
  if (existsSync(jvmDir)) for (const name of readdirSync(jvmDir).sort()) candidates.push(join(jvmDir, name));
  const onPath = javaOnPath(env);
  if (onPath) candidates.push(onPath);
  const seen: string[] = [];
  for (const home of candidates) {
    const found = describe(home);
    if (found) return found;
    const v = javaVersionAt(home);
    if (v) seen.push(`${home} (${v})`);
  }
  throw new LocalMeshError(
    `no Java ${JAVA_MAJOR} JDK found for the local Kafka 3.7 broker${seen.length ? ` (found: ${[...new Set(seen)].join(', ')})` : ' (no Java at all)'}: ${INSTALL}.`,
  );
}
