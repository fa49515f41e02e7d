/**
 * `npm run review -- [--base <cdktf.out folder>] [--head cdktf.out] [--out review.md]`
 *
 * Compares the current synth output with a base one (typically synthesized
 * from the target branch in a git worktree) and writes review.md.
 * Exit codes: 0 nothing blocks, 1 an unacknowledged error, 2 bad usage or unreadable input.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { reviewMesh } from '../contracts/review/review';
import { EMPTY_OUTPUT, readSynthOutput, ReviewInputError } from '../contracts/review/synth-output';

const USAGE = 'usage: npm run review -- [--base <cdktf.out folder>] [--head <cdktf.out folder, default cdktf.out>] [--out <file, default review.md>] [--base-label <text>] [--head-label <text>]';

export function parseReviewArgs(argv: readonly string[]): { base?: string; head: string; out: string; baseLabel?: string; headLabel?: string } {
  const opts: Record<string, string> = {};
  const known = ['--base', '--head', '--out', '--base-label', '--head-label'];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!known.includes(flag)) throw new ReviewInputError(`unknown argument "${argv[i]}".\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ReviewInputError(`${flag} needs a value.\n${USAGE}`);
    opts[flag.slice(2)] = value;
  }
  return { base: opts.base, head: opts.head ?? 'cdktf.out', out: opts.out ?? 'review.md', baseLabel: opts['base-label'], headLabel: opts['head-label'] };
}

export function runReview(argv: readonly string[], log: { info(m: string): void; error(m: string): void } = console): number {
  try {
    const args = parseReviewArgs(argv);
    const head = readSynthOutput(resolve(args.head));
    const base = args.base ? readSynthOutput(resolve(args.base)) : EMPTY_OUTPUT;
    const review = reviewMesh(base, head, { baseLabel: args.baseLabel ?? args.base, headLabel: args.headLabel ?? args.head }, args.base !== undefined);
    writeFileSync(resolve(args.out), review.markdown);
    const errors = review.dangers.filter((d) => d.level === 'error' && !d.acknowledged);
    log.info(`contract-mesh review: ${review.changes.length} resource changes, ${review.dangers.length} dangers (${errors.length} blocking) → ${args.out}`);
    for (const d of errors) log.error(`  ✖ ${d.stack}: ${d.code}: ${d.message}`);
    return review.exitCode;
  } catch (err) {
    if (err instanceof ReviewInputError) {
      log.error(`contract-mesh review: ${err.message}`);
      return 2;
    }
    log.error(`contract-mesh review failed: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

if (require.main === module) process.exitCode = runReview(process.argv.slice(2));
