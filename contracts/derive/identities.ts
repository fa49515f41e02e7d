/**
 * The SCRAM identities of an environment: one per principal that any contract
 * names (producer, consumers, owner), from the union of every product, so that
 * a principal named by two domains is created once — by the identities stack,
 * its one owner. The administrative identity is exempt by name: it
 * authenticates with IAM (see docs/deploying-on-aws.md, "The administrative identity") and gets no SCRAM secret.
 */
import type { CompiledProduct } from '../compile';
import type { EnvironmentConfig } from '../environment';
import { scramSecretName } from './aws-names';
import { kafkaUserName } from './names';

export interface IdentityPlan {
  /** `User:<name>`. */
  readonly principal: string;
  /** The Kafka (SCRAM) user name: the part after `User:`. */
  readonly user: string;
  /** `AmazonMSK_<env>_<user>`. */
  readonly secretName: string;
  /** Who names it, e.g. `payments/payment-events@v1 producer`; sorted. */
  readonly namedBy: readonly string[];
}

/** Every principal of every product, once, sorted by principal; without the admin principal. */
export function deriveIdentities(products: readonly CompiledProduct[], env: EnvironmentConfig): IdentityPlan[] {
  const byPrincipal = new Map<string, Set<string>>();
  const add = (principal: string | undefined, role: string) => {
    if (!principal || principal === env.kafka.adminPrincipal) return;
    const set = byPrincipal.get(principal) ?? new Set<string>();
    set.add(role);
    byPrincipal.set(principal, set);
  };
  for (const p of products) {
    add(p.producer.principal, `${p.id} producer`);
    for (const c of p.consumers) add(c.principal, `${p.id} consumer ${c.name}`);
    add(p.owner.principal, `${p.id} owner`);
  }
  return [...byPrincipal.keys()].sort().map((principal) => ({
    principal,
    user: kafkaUserName(principal),
    secretName: scramSecretName(env.name, principal),
    namedBy: [...(byPrincipal.get(principal) as Set<string>)].sort(),
  }));
}
