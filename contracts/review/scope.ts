/**
 * What the review covers: every environment but a loopback one — a developer's own mesh on one machine (the `local`
 * environment: `npm run mesh:up`, applied by `npm run mesh:apply`), which no pipeline deploys. Its stacks are a copy of
 * dev's topics and ACLs on a broker that holds no shared data; in the danger list they would only repeat dev's lines
 * (and a reviewer of a production change would learn nothing from them), so the review leaves them out of every
 * section and says so in one line. `mesh:plan` is where a developer sees what a change does to their own mesh.
 */
import { identitiesStackName, platformStackName } from '../derive/aws-names';
import type { ReviewManifest } from './manifest-types';
import type { SynthOutput } from './synth-output';

/** The review's two sides without the loopback environments' stacks, and what was left out. */
export interface ReviewScope {
  readonly base: SynthOutput;
  readonly head: SynthOutput;
  /** The loopback environments of either side, sorted, with how many stacks of theirs either side holds. */
  readonly leftOut: ReadonlyArray<{ readonly environment: string; readonly stacks: number }>;
}

/** The stacks of an environment: its domain stacks (by the manifest), and its platform and identities stacks. */
function stacksOf(environment: string, sides: readonly SynthOutput[]): Set<string> {
  const names = new Set([platformStackName(environment), identitiesStackName(environment)]);
  for (const side of sides) for (const s of side.manifest.stacks) if (s.environment === environment) names.add(s.name);
  return new Set([...names].filter((n) => sides.some((side) => side.stacks.has(n) || side.manifest.stacks.some((s) => s.name === n))));
}

function without(side: SynthOutput, environments: ReadonlySet<string>, stacks: ReadonlySet<string>): SynthOutput {
  const m: ReviewManifest = side.manifest;
  return {
    stacks: new Map([...side.stacks].filter(([name]) => !stacks.has(name))),
    manifest: {
      ...m,
      environments: m.environments.filter((e) => !environments.has(e.name)),
      stacks: m.stacks.filter((s) => !environments.has(s.environment)),
      policy: { ...m.policy, findings: m.policy.findings.filter((f) => !stacks.has(f.stack)) },
    },
  };
}

/** The sides of the review without the stacks of the environments either side marks `loopback`. */
export function reviewScope(base: SynthOutput, head: SynthOutput): ReviewScope {
  const loopback = [...new Set([...base.manifest.environments, ...head.manifest.environments].filter((e) => e.loopback).map((e) => e.name))].sort();
  if (!loopback.length) return { base, head, leftOut: [] };
  const byEnvironment = loopback.map((environment) => ({ environment, stacks: stacksOf(environment, [base, head]) }));
  const environments = new Set(loopback);
  const stacks = new Set(byEnvironment.flatMap((e) => [...e.stacks]));
  return {
    base: without(base, environments, stacks),
    head: without(head, environments, stacks),
    leftOut: byEnvironment.map((e) => ({ environment: e.environment, stacks: e.stacks.size })),
  };
}
