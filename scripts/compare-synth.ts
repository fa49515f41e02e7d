/**
 * Compares two synth outputs stack by stack: every `stacks/<name>/cdk.tf.json`
 * must be identical apart from the top-level `//` metadata block (which names
 * the framework's version). Used by CI to prove that cdktf 0.21.0 and CDK
 * Terrain (cdktn) synthesize the same Terraform.
 *
 *   tsx scripts/compare-synth.ts <cdktf.out A> <cdktf.out B>
 *
 * Exit 0 = identical, 1 = different, 2 = bad usage or unreadable input.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function stacks(dir: string): Map<string, string> {
  const root = join(dir, 'stacks');
  const out = new Map<string, string>();
  for (const name of readdirSync(root).sort()) {
    const file = join(root, name, 'cdk.tf.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete json['//'];
    out.set(name, JSON.stringify(json, null, 2));
  }
  return out;
}

function main(argv: string[]): number {
  const [a, b] = argv;
  if (!a || !b) {
    console.error('usage: tsx scripts/compare-synth.ts <cdktf.out A> <cdktf.out B>');
    return 2;
  }
  let left: Map<string, string>;
  let right: Map<string, string>;
  try {
    left = stacks(a);
    right = stacks(b);
  } catch (err) {
    console.error(`cannot read the synth outputs: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const problems: string[] = [];
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const l = left.get(name);
    const r = right.get(name);
    if (l === undefined || r === undefined) problems.push(`${name}: only in ${l === undefined ? b : a}`);
    else if (l !== r) {
      const ll = l.split('\n');
      const rl = r.split('\n');
      const i = ll.findIndex((line, k) => line !== rl[k]);
      problems.push(`${name}: differs at line ${i + 1}:\n  ${a}: ${ll[i]?.trim()}\n  ${b}: ${rl[i]?.trim()}`);
    }
  }
  if (left.size === 0) problems.push(`no stacks in ${a}`);
  if (problems.length) {
    console.error(`synth outputs differ in ${problems.length} stack(s):\n${problems.join('\n')}`);
    return 1;
  }
  console.log(`synth outputs identical: ${left.size} stacks (ignoring the // metadata block)`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
