/**
 * The products the runtime works with: a declared contract and its lock,
 * compiled and checked once, with its codec. Every lookup by name fails with
 * an error that lists what exists.
 */
import { createCodec, topicLimits, type Codec } from '../contracts/codec';
import { compileProduct, type CompiledConsumer, type CompiledProduct } from '../contracts/compile';
import type { DataProduct } from '../contracts/dsl/data-product';
import { sameJson, type ProductLock } from '../contracts/lock/lock-file';
import { LOCK_COMMAND, versionOf } from '../contracts/lock/update-lock';
import { ContractError, didYouMean, formatProblems } from '../contracts/problems';
import { RuntimeError } from './errors';

/** A product of the mesh as the runtime receives it: the contract as declared, and its committed lock. */
export interface MeshProduct {
  /** The contract (`defineDataProduct(...)`). */
  readonly product: DataProduct;
  /**
   * Its lock (`contracts/locks/<domain>/<name>.v<n>.lock.json`): the field numbers of the proto on the wire.
   * @default - none: the product cannot run until `npm run contracts:lock` wrote one
   */
  readonly lock?: ProductLock;
}

/** A product ready to run: compiled, its lock checked, its codec built. */
export interface RuntimeProduct {
  readonly declared: DataProduct;
  readonly compiled: CompiledProduct;
  readonly lock: ProductLock;
  readonly codec: Codec<Record<string, unknown>>;
}

/** Compiles a product and builds its codec with its lock; a {@link RuntimeError} when the contract or lock is not usable. */
export function prepareProduct(product: DataProduct, lock: ProductLock | undefined): RuntimeProduct {
  const r = compileProduct(product);
  if (!r.product) throw new RuntimeError(formatProblems(r.problems));
  const compiled = r.product;
  const lockFile = `contracts/locks/${compiled.domain}/${compiled.name}.v${compiled.version}.lock.json`;
  if (!lock) throw new RuntimeError(`${compiled.id} has no lock (${lockFile}), so the field numbers on the wire are not known: run \`${LOCK_COMMAND}\` and commit the lock with the contract.`);
  if (lock.product !== compiled.id) throw new RuntimeError(`${compiled.id}: the lock given is the lock of ${lock.product}; pass ${lockFile}.`);
  if (!sameJson(lock.history[lock.history.length - 1], versionOf(compiled))) {
    throw new RuntimeError(`${compiled.id}: the contract differs from the last shape in its lock (${lockFile}), so records would not match the proto deployed: run \`${LOCK_COMMAND}\`, commit the lock, and deploy it with the contract.`);
  }
  let codec: Codec<Record<string, unknown>>;
  try {
    // The topic's max.message.bytes as synth derives it: a larger record is a violation, not a broker refusal at send time.
    codec = createCodec(product, { lock, maxMessageBytes: topicLimits(compiled).maxMessageBytes }) as unknown as Codec<Record<string, unknown>>;
  } catch (err) {
    throw new RuntimeError(err instanceof ContractError ? err.message : `${compiled.id}: the codec cannot be built: ${String(err)}`, { cause: err });
  }
  return { declared: product, compiled, lock, codec };
}

function idOf(p: DataProduct): string {
  const s = p.spec;
  return `${s.domain}/${s.name}@v${s.version}`;
}

function list(items: readonly string[]): string {
  return items.length ? items.join(', ') : '(none)';
}

/** The product `id` (`<domain>/<name>@v<n>`) of the mesh; the error lists the products that exist. */
export function findProduct(mesh: readonly MeshProduct[], id: string): MeshProduct {
  const found = mesh.find((m) => idOf(m.product) === id);
  if (found) return found;
  const ids = mesh.map((m) => idOf(m.product)).sort();
  const hint = didYouMean(id, ids);
  const shape = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*@v\d+$/.test(id) ? '' : ' (a product is named <domain>/<name>@v<version>, e.g. payments/payment-events@v1)';
  throw new RuntimeError(`there is no product ${JSON.stringify(id)}${shape}${hint ? `; did you mean ${hint}?` : ''}. The products are: ${list(ids)}.`);
}

/** The product whose topic is `topic`; the error lists the topics that exist. */
export function findProductByTopic(mesh: readonly MeshProduct[], topic: string): MeshProduct {
  const topicOf = (p: DataProduct) => `${p.spec.domain}.${p.spec.name}.v${p.spec.version}`;
  const found = mesh.find((m) => topicOf(m.product) === topic);
  if (found) return found;
  throw new RuntimeError(`no product of this build has the topic ${JSON.stringify(topic)}. The topics are: ${list(mesh.map((m) => topicOf(m.product)).sort())}. Was the image built from the contracts that were deployed?`);
}

/** The consumer `name` of a product; the error lists its consumers (only its sink consumers, with `sinkOnly`). */
export function findConsumer(product: CompiledProduct, name: string, options: { sinkOnly?: boolean } = {}): CompiledConsumer {
  const candidates = product.consumers.filter((c) => !options.sinkOnly || c.sink);
  const found = candidates.find((c) => c.name === name);
  if (found) return found;
  const names = candidates.map((c) => c.name);
  const exists = product.consumers.some((c) => c.name === name);
  if (exists && options.sinkOnly) {
    throw new RuntimeError(`${product.id}: consumer ${name} declares no sink, so there is nothing to write. Its sink consumers are: ${list(names)}; or add sink: { postgres: { mode: 'upsert' } } to ${name} in the contract.`);
  }
  const hint = didYouMean(name, names);
  throw new RuntimeError(`${product.id} has no ${options.sinkOnly ? 'sink ' : ''}consumer ${JSON.stringify(name)}${hint ? ` (did you mean ${hint}?)` : ''}. Its ${options.sinkOnly ? 'sink ' : ''}consumers are: ${list(names)}.`);
}
