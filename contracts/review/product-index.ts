/** Which product a synthesized resource belongs to, from the base and head manifests. */
import type { ManifestProduct, ReviewManifest } from './manifest-types';
import type { ResourceChange } from './resource-diff';

export interface ResourceOwner {
  readonly product: ManifestProduct;
  /** `topic`, `deadLetter`, `acls`, or the first construct id below the product. */
  readonly role: string;
  /** The construct path below the product. */
  readonly relativePath: string;
}

const ROLES: Readonly<Record<string, string>> = { Topic: 'topic', DeadLetter: 'deadLetter', Acls: 'acls' };

/** Every product of either manifest, head first (its contract wins). */
export function productsOf(base: ReviewManifest, head: ReviewManifest): Map<string, ManifestProduct> {
  const all = new Map<string, ManifestProduct>();
  for (const p of [...base.products, ...head.products]) all.set(p.id, p);
  return all;
}

/** The product whose construct holds the resource (by path), else whose topic or group it names. */
export function ownerOf(change: Pick<ResourceChange, 'path' | 'type' | 'before' | 'after'>, products: ReadonlyMap<string, ManifestProduct>): ResourceOwner | undefined {
  const segments = change.path.split('/');
  const stackDomain = segments[0]?.replace(/-[^-]+$/, '');
  for (const p of products.values()) {
    if (p.domain === stackDomain && segments[1] === `${p.name}-v${p.version}`) {
      const relativePath = segments.slice(2).join('/');
      return { product: p, role: ROLES[segments[2]] ?? segments[2] ?? '', relativePath };
    }
  }
  const config = change.after ?? change.before ?? {};
  const name = String(config.name ?? config.resource_name ?? '');
  for (const p of products.values()) {
    if (name === p.topic) return { product: p, role: change.type === 'kafka_acl' ? 'acls' : 'topic', relativePath: '' };
    if (name === p.deadLetterTopic || name.startsWith(`${p.deadLetterTopic}.`)) return { product: p, role: change.type === 'kafka_acl' ? 'acls' : 'deadLetter', relativePath: '' };
    if (change.type === 'kafka_acl' && name.startsWith(`${p.topic}.`)) return { product: p, role: 'acls', relativePath: '' };
  }
  return undefined;
}
