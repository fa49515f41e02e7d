/**
 * The whole mesh: every product compiled, cross-checked and planned for every
 * environment. Pure: no framework, no files.
 */
import type { SizeRatio } from './codec/size-sample';
import { compileProduct, type CompiledProduct } from './compile';
import { deriveAcls, type AclPlan } from './derive/acls';
import { deriveDeployments, type DeploymentPlan } from './derive/deployment';
import { pgSchemaName, pgTableName, protoFile, protoPackage, stackName } from './derive/names';
import { deriveTopicPlans, type TopicPlans } from './derive/topic-config';
import type { DataProduct } from './dsl/data-product';
import type { EnvironmentConfig } from './environment';
import type { Shape } from './schema/shape';
import { ContractError, type Problem } from './problems';
import type { ProductLock } from './lock/lock-file';
import { lockedPartitions, partitionWarning } from './lock/partitions';
import { checkLock } from './lock/update-lock';
import { contractJsonSchema } from './proto/json-schema';
import { generateProto, type GeneratedProto } from './proto/print-proto';
import { protoMessageJson } from './proto/proto-schema';

/** A product as found: the declaration and the file it came from. */
export interface ProductEntry {
  readonly product: DataProduct;
  /** Project-relative file, for messages. */
  readonly source?: string;
}

/** One product in one environment. */
export interface ProductPlan {
  readonly product: CompiledProduct;
  readonly topics: TopicPlans;
  readonly acls: readonly AclPlan[];
  /** The product's generated proto3 file (the same in every environment). */
  readonly proto: GeneratedProto;
  /**
   * The consumers' services (consumers with a `deployment`).
   * @default - none
   */
  readonly deployments?: readonly DeploymentPlan[];
  /**
   * Every accepted shape of this major version, oldest first: the lock's history, or the
   * current shape alone when planned without locks. Sink migrations are derived from it.
   */
  readonly history: readonly Shape[];
  /**
   * Findings that do not block, one line each (e.g. the locked partitions carry less than the contract's
   * throughput now asks for). The consumers' deployments carry their own.
   * @default - none
   */
  readonly warnings?: readonly string[];
}

/** Every warning of a product in one environment: its own and its deployments'. */
export function productWarnings(p: ProductPlan): string[] {
  return [...(p.warnings ?? []), ...(p.deployments ?? []).flatMap((d) => d.warnings)];
}

/** One product major's contract artifacts, written by synth under `cdktf.out/contracts/`. */
export interface ContractPlan {
  readonly product: CompiledProduct;
  /** The proto3 file, numbered by the product's lock (or afresh when planned without locks). */
  readonly proto: GeneratedProto;
  /** The JSON Schema of the record (draft 2020-12). */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /**
   * The protobuf/JSON size ratio measured on a deterministic sample of the shape (`codec/size-sample.ts`).
   * @default - none (the contract accepted none of the sample values)
   */
  readonly encoding?: SizeRatio;
}

/** One domain's stack in one environment. */
export interface StackPlan {
  /** `<domain>-<env>`. */
  readonly name: string;
  readonly domain: string;
  readonly environment: EnvironmentConfig;
  /** Sorted by product id. */
  readonly products: readonly ProductPlan[];
}

export interface MeshPlan {
  /** Every product, sorted by id. */
  readonly products: readonly CompiledProduct[];
  /** Every domain stack of every environment, sorted by name. */
  readonly stacks: readonly StackPlan[];
  /** Every product's contract artifacts (proto, JSON Schema), sorted by product id. */
  readonly contracts: readonly ContractPlan[];
}

/** Names that two products must never share, by namespace. */
export function derivedNames(p: CompiledProduct): Array<[namespace: string, name: string]> {
  const names: Array<[string, string]> = [
    ['data product', p.id],
    ['Kafka topic', p.topic],
    ['Kafka topic', p.deadLetterTopic],
    ['Kafka consumer group', p.replayGroup],
    ['proto package', protoPackage(p.domain, p.name, p.version)],
    ['proto file', protoFile(p.domain, p.name, p.version)],
  ];
  for (const c of p.consumers) {
    names.push(['Kafka consumer group', c.group]);
    names.push(['Postgres table', `${pgSchemaName(p.domain)}.${pgTableName(p.name, p.version, c.name)}`]);
  }
  return names;
}

/** Every pair of products that would share a derived name. Linear in the number of names. */
export function findCollisions(products: readonly CompiledProduct[]): Problem[] {
  const owners = new Map<string, CompiledProduct>();
  const problems: Problem[] = [];
  const where = (p: CompiledProduct) => (p.source ? ` (${p.source})` : '');
  for (const p of products) {
    const names = derivedNames(p);
    const duplicate = owners.get(`${names[0][0]}\u0000${names[0][1]}`);
    if (duplicate) {
      problems.push({
        product: p.id,
        field: 'domain/name/version',
        message: `the same product major version is declared twice: in ${duplicate.source ?? 'one file'} and in ${p.source ?? 'another'}.`,
        fix: 'declare each product major version once: delete the duplicate, or give the new contract the next version.',
      });
      continue;
    }
    for (const [namespace, name] of names) {
      const key = `${namespace}\u0000${name}`;
      const other = owners.get(key);
      if (other) {
        problems.push({
          product: p.id,
          field: 'name',
          message: `its ${namespace} "${name}" is also derived from ${other.id}${where(other)}.`,
          fix: 'rename one of the two products (or consumers) so that their derived names differ.',
        });
      } else {
        owners.set(key, p);
      }
    }
  }
  return problems;
}

/** Options of {@link planMesh}. */
export interface PlanOptions {
  /**
   * The products' locks, by product id (`readLocks` of `contracts/locks/`).
   * When given, every product must have a current lock (else a problem naming
   * `npm run contracts:lock`; a change the evolution gate rejects gets the
   * gate's messages), its field numbers come from the lock and its partitions
   * are the lock's.
   * @default - no locks: numbers assigned afresh, partitions derived (tests and previews)
   */
  readonly locks?: ReadonlyMap<string, ProductLock>;
  /**
   * Plan the stacks and the contract artifacts (proto text, JSON Schema) of these domains only — what `MESH_DOMAINS`
   * sets. Every product is still compiled, checked against its lock, numbered and derived in every environment, so the
   * plan reports exactly the problems of a full one; `products` still lists every product.
   * @default - every domain
   */
  readonly only?: ReadonlySet<string>;
}

/** Compiles and plans the mesh; throws a {@link ContractError} listing every problem of every product. */
export function planMesh(entries: readonly ProductEntry[], environments: readonly EnvironmentConfig[], options: PlanOptions = {}): MeshPlan {
  const problems: Problem[] = [];
  const products: CompiledProduct[] = [];
  const schemas = new Map<CompiledProduct, unknown>();
  for (const e of entries) {
    const r = compileProduct(e.product, e.source);
    problems.push(...r.problems);
    if (r.product) {
      products.push(r.product);
      schemas.set(r.product, e.product.spec.schema);
    }
  }
  problems.push(...findCollisions(products));
  products.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const contracts = new Map<CompiledProduct, ContractPlan>();
  const lockOk = new Set<CompiledProduct>();
  for (const product of products) {
    const lock = options.locks?.get(product.id);
    if (options.locks) {
      const lockProblems = checkLock(product, lock, environments);
      problems.push(...lockProblems);
      if (lockProblems.length) continue;
      lockOk.add(product);
    }
    if (options.only && !options.only.has(product.domain)) {
      // Checked, not built: every problem of its proto comes from its message's JSON; no text, no JSON Schema is written.
      for (const p of protoMessageJson(product, lock?.numbering).problems) problems.push({ product: product.id, field: p.field, message: p.message, fix: p.fix });
      continue;
    }
    const generated = generateProto(product, lock?.numbering);
    for (const p of generated.problems) problems.push({ product: product.id, field: p.field, message: p.message, fix: p.fix });
    if (generated.proto) {
      // Measured once by `npm run contracts:lock` and kept in the lock: synth does not encode samples.
      const encoding = lock?.encoding;
      contracts.set(product, { product, proto: generated.proto, jsonSchema: contractJsonSchema(product, schemas.get(product) as Parameters<typeof contractJsonSchema>[1]), ...(encoding ? { encoding } : {}) });
    }
  }

  const byDomain = new Map<string, CompiledProduct[]>();
  for (const p of products) {
    const list = byDomain.get(p.domain) ?? [];
    list.push(p);
    byDomain.set(p.domain, list);
  }
  const stacks: StackPlan[] = [];
  const envNames = environments.map((e) => e.name);
  for (const env of environments) {
    if (env.lockedPartitionsFrom && !envNames.includes(env.lockedPartitionsFrom)) {
      problems.push({ product: `(environment ${env.name})`, field: 'lockedPartitionsFrom', message: `takes the locked partitions of "${env.lockedPartitionsFrom}", which is not an environment (environments: ${envNames.join(', ')}).`, fix: 'name an environment from stacks/environments.ts, or remove lockedPartitionsFrom.' });
    }
    if (env.loopback && env.production) {
      problems.push({ product: `(environment ${env.name})`, field: 'loopback', message: 'is a production environment and a loopback one: the review leaves loopback environments out, so a production change there would reach no reviewer.', fix: 'remove loopback from a production environment (stacks/environments.ts).' });
    }
  }
  for (const env of environments) {
    for (const [domain, list] of byDomain) {
      const plans: ProductPlan[] = list.map((product) => {
        // An environment may take another's locked partitions (local takes dev's): it records none of its own.
        const entry = lockOk.has(product) ? options.locks?.get(product.id)?.partitions[env.lockedPartitionsFrom ?? env.name] : undefined;
        const topics = deriveTopicPlans(product, env, entry ? lockedPartitions(product, env, entry) : undefined);
        for (const p of topics.problems) problems.push({ product: product.id, field: p.field, message: `in ${env.name}: ${p.message}`, fix: p.fix });
        // Once locked, partitions no longer follow the throughput: the remedies say so.
        const deployed = deriveDeployments(product, topics.topic.partitions.value, env, { locked: entry !== undefined });
        for (const p of deployed.problems) problems.push({ product: product.id, field: p.field, message: `in ${env.name}: ${p.message}`, fix: p.fix });
        const locked = lockOk.has(product) ? options.locks?.get(product.id) : undefined;
        const history = locked ? locked.history.map((v) => v.shape) : [product.shape];
        const warning = entry ? partitionWarning(product, env, entry) : undefined;
        return { product, topics, acls: deriveAcls(product), proto: contracts.get(product)?.proto as GeneratedProto, deployments: deployed.deployments, history, ...(warning ? { warnings: [warning] } : {}) };
      });
      if (options.only && !options.only.has(domain)) continue;
      stacks.push({ name: stackName(domain, env.name), domain, environment: env, products: plans });
    }
  }
  if (problems.length) throw new ContractError(problems);
  stacks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { products, stacks, contracts: products.filter((p) => contracts.has(p)).map((p) => contracts.get(p) as ContractPlan) };
}
