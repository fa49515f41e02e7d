/**
 * The whole mesh: every product compiled, cross-checked and planned for every
 * environment. Pure: no framework, no files.
 */
import { compileProduct, type CompiledProduct } from './compile';
import { deriveAcls, type AclPlan } from './derive/acls';
import { pgSchemaName, pgTableName, protoFile, protoPackage, stackName } from './derive/names';
import { deriveTopicPlans, type TopicPlans } from './derive/topic-config';
import type { DataProduct } from './dsl/data-product';
import type { EnvironmentConfig } from './environment';
import { ContractError, type Problem } from './problems';

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

/** Compiles and plans the mesh; throws a {@link ContractError} listing every problem of every product. */
export function planMesh(entries: readonly ProductEntry[], environments: readonly EnvironmentConfig[]): MeshPlan {
  const problems: Problem[] = [];
  const products: CompiledProduct[] = [];
  for (const e of entries) {
    const r = compileProduct(e.product, e.source);
    problems.push(...r.problems);
    if (r.product) products.push(r.product);
  }
  problems.push(...findCollisions(products));
  products.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const byDomain = new Map<string, CompiledProduct[]>();
  for (const p of products) {
    const list = byDomain.get(p.domain) ?? [];
    list.push(p);
    byDomain.set(p.domain, list);
  }
  const stacks: StackPlan[] = [];
  for (const env of environments) {
    for (const [domain, list] of byDomain) {
      const plans: ProductPlan[] = list.map((product) => {
        const topics = deriveTopicPlans(product, env);
        for (const p of topics.problems) problems.push({ product: product.id, field: p.field, message: `in ${env.name}: ${p.message}`, fix: p.fix });
        return { product, topics, acls: deriveAcls(product) };
      });
      stacks.push({ name: stackName(domain, env.name), domain, environment: env, products: plans });
    }
  }
  if (problems.length) throw new ContractError(problems);
  stacks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { products, stacks };
}
