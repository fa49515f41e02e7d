/**
 * Reading what `npm run synth` wrote for an environment: the `<domain>-<env>`
 * stacks and `identities-<env>` under `cdktf.out/stacks/`, as plain JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A stack's synthesized configuration (`cdk.tf.json`). */
export type StackJson = {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, unknown[]>;
  readonly output?: Record<string, { value: unknown }>;
  readonly variable?: Record<string, unknown>;
};

/** The stack's `cdk.tf.json`, or undefined when synth did not write it. */
export function readStack(outdir: string, stack: string): StackJson | undefined {
  const file = join(outdir, 'stacks', stack, 'cdk.tf.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StackJson) : undefined;
}

/** The principals `identities-<env>` gives a SCRAM credential (`User:<username>`), sorted; none before synth. */
export function synthesizedPrincipals(outdir: string, env: string): string[] {
  const stack = readStack(outdir, `identities-${env}`);
  const creds = stack?.resource?.kafka_user_scram_credential ?? {};
  return Object.values(creds).map((r) => `User:${String(r.username)}`).sort();
}
