/**
 * The one-time move of local Terraform state out of the output folder.
 *
 * Before contract-mesh named its local backends' files in `terraform-state/` beside the output folder
 * (contracts/derive/state-files.ts), Terraform kept a local-backend stack's state inside the output folder, as
 * `<outdir>/stacks/<stack>/terraform.<stack>.tfstate` — which the next synth deleted with the folder. Synth calls
 * {@link rescueLegacyState} before it replaces the output folder, so that a deployment made with such a version keeps
 * its state: each file (and its `.backup`) moves to where the stack's backend now names it. A stack whose state is in
 * both places is a conflict that only a person can settle: synth stops and touches neither.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { legacyStateFile, localStateFile } from '../contracts/derive/state-files';

/** What {@link rescueLegacyState} did, or why it did nothing. */
export interface StateRescue {
  /** `<from> → <to>`, relative to the folder that holds the output folder. */
  readonly moved: readonly string[];
  /** One line per stack whose state is in both places (nothing was moved or deleted then). */
  readonly problems: readonly string[];
}

function move(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(from, to);
    rmSync(from);
  }
}

/** Moves every stack's state file that an earlier version left in `outdir` to `terraform-state/` beside it. */
export function rescueLegacyState(outdir: string): StateRescue {
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return { moved: [], problems: [] };
  const base = dirname(outdir);
  const pairs: Array<{ from: string; to: string }> = [];
  for (const stack of readdirSync(stacks).sort()) {
    for (const suffix of ['', '.backup']) {
      const from = join(stacks, stack, `${legacyStateFile(stack)}${suffix}`);
      if (existsSync(from)) pairs.push({ from, to: join(base, `${localStateFile(stack)}${suffix}`) });
    }
  }
  const rel = (p: string) => relative(base, p);
  const problems = pairs
    .filter(({ from, to }) => existsSync(to) && !readFileSync(from).equals(readFileSync(to)))
    .map(({ from, to }) => `the Terraform state of ${relative(stacks, dirname(from))} is in two places: ${rel(from)} (inside the output folder, where an earlier contract-mesh kept it) and ${rel(to)} (where its backend names it now). Keep the one Terraform wrote last (the higher "serial" in the file) as ${rel(to)}, move the other away, then synthesize again.`);
  if (problems.length) return { moved: [], problems };
  const moved: string[] = [];
  for (const { from, to } of pairs) {
    if (existsSync(to)) continue; // the same bytes are already there; the copy goes with the output folder
    move(from, to);
    moved.push(`${rel(from)} → ${rel(to)}`);
  }
  return { moved, problems: [] };
}
