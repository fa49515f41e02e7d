/** Helpers for the AWS stack tests: plan a mesh from test contracts and synthesize its stacks. */
import { Testing, type TerraformStack } from 'cdktf';
import { defineDataProduct } from '../contracts/index';
import type { EnvironmentConfig } from '../contracts/environment';
import { planMesh, type MeshPlan } from '../contracts/mesh';
import { buildStacks } from '../stacks/app';
import { spec } from './helpers';

/** A deployment that fits 4 partitions. */
export const DEPLOYMENT = { image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/ledger-sink:1.4.2', cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 4 };

/** payment-events with the ledger consumer deployed (4 partitions in dev and prod). */
export function deployedSpec(overrides: Record<string, unknown> = {}, deployment: Record<string, unknown> = DEPLOYMENT) {
  return spec({
    consumers: [
      { name: 'ledger', principal: 'User:ledger-sink', deployment },
      { name: 'fraud-scoring', principal: 'User:fraud-scoring' },
    ],
    ...overrides,
  });
}

export function plan(specs: ReadonlyArray<object>, envs: readonly EnvironmentConfig[]): MeshPlan {
  return planMesh(specs.map((s) => ({ product: defineDataProduct(s as never) })), envs);
}

/** Every stack of the plan, synthesized (with validations), parsed, by stack name. */
export function synthAll(p: MeshPlan): Record<string, any> {
  const app = Testing.app();
  const stacks: TerraformStack[] = buildStacks(app, p);
  const out: Record<string, any> = {};
  for (const s of stacks) out[s.node.id] = JSON.parse(Testing.synth(s, true));
  return out;
}

/** The resources of one type in a synthesized stack. */
export function resources(tf: any, type: string): any[] {
  return Object.values(tf.resource?.[type] ?? {});
}

/** A JSON string from the synthesized config, with `${…}` interpolations replaced so JSON.parse accepts it. */
export function parseTemplated(s: string): any {
  return JSON.parse(s.replace(/\$\{((?:[^{}]|\{[^{}]*\})*)\}/g, (_m, inner: string) => `<${inner.replace(/"/g, "'")}>`));
}
