/**
 * What the runtime's local commands (`npm run sink`, `npm run dlq:replay`)
 * share: the mesh's contracts and locks as found in the project, and the
 * logins of the local mesh (`.mesh/local/connection.json`, written by
 * `npm run mesh:up` and `npm run mesh:apply`).
 */
import { join } from 'node:path';
import { defaultCacheDir } from '../contracts/build-cache';
import { discoverProducts } from '../contracts/discover';
import { readLocks } from '../contracts/lock/lock-store';
import { formatProblems } from '../contracts/problems';
import { kafkaOptions, readConnection, type LocalConnection } from '../local-mesh/connection';
import { LocalMeshError } from '../local-mesh/errors';
import { RuntimeError } from '../runtime/errors';
import type { KafkaConnectionOptions } from '../runtime/kafka';
import type { PostgresConnection } from '../runtime/postgres';
import type { MeshProduct } from '../runtime/products';

/** Every product of the project (contracts/products) with its lock (contracts/locks). */
export function loadMesh(root: string, productsDir = join(root, 'contracts', 'products'), locksDir = join(root, 'contracts', 'locks')): MeshProduct[] {
  const found = discoverProducts(productsDir, root, { cacheDir: defaultCacheDir(root) });
  const locks = readLocks(locksDir, root);
  const problems = [...found.problems, ...locks.problems];
  if (problems.length) throw new RuntimeError(formatProblems(problems));
  return found.entries.map(({ product }) => ({ product, lock: locks.locks.get(`${product.spec.domain}/${product.spec.name}@v${product.spec.version}`) }));
}

/** The local mesh's connection file. */
export function localConnection(root: string): LocalConnection {
  try {
    return readConnection(join(root, '.mesh', 'local', 'connection.json'));
  } catch (err) {
    throw new RuntimeError(err instanceof LocalMeshError ? err.message : String(err));
  }
}

/** Kafka options to act as `principal` on the local mesh; the error names the command that creates its login. */
export function localKafka(c: LocalConnection, principal: string): KafkaConnectionOptions {
  try {
    return kafkaOptions(c, principal);
  } catch (err) {
    throw new RuntimeError(err instanceof LocalMeshError ? err.message : String(err));
  }
}

/** The local database as a sink login role. */
export function localPostgres(c: LocalConnection, role: string): PostgresConnection {
  const url = new URL(c.postgres.url);
  const password = c.postgres.logins[role];
  if (!password) throw new RuntimeError(`the sink login ${role} has no password in .mesh/local/connection.json: run \`npm run synth && npm run mesh:apply\`, which applies the sink migrations and creates the logins.`);
  return { host: url.hostname, port: Number(url.port || 5432), database: decodeURIComponent(url.pathname.slice(1)) || 'postgres', user: role, password };
}
