/**
 * `npm run contracts:retire -- <domain>/<name>@<version> --reason "…" [--by <who>]`
 * (the `--` hands the flags to the script: without it npm takes `--reason` for itself)
 *
 * Records the retirement of a product major version in contracts/retired.json
 * (commit it). From then on synth leaves the version out (its topics, dead
 * letters, ACLs, sink and identities that nothing else uses are removed), and
 * the review shows the reason instead of blocking the data loss. The contract
 * file may then be deleted. Only a version that has a lock (that was locked,
 * and so may be deployed) can be retired.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LOCKS_DIR, lockFileName } from '../contracts/lock/lock-file';
import { readLocks } from '../contracts/lock/lock-store';
import { didYouMean } from '../contracts/problems';
import { formatRetirements, normaliseProductId, readRetirements, RETIRED_FILE, RETIREMENT_REASON_MIN, withRetirement } from '../contracts/retire/retired';

const USAGE = 'usage: npm run contracts:retire -- <domain>/<name>@<version> --reason "why it can go" [--by <who>]';

function gitUser(root: string): string {
  try {
    return execFileSync('git', ['config', 'user.name'], { cwd: root, encoding: 'utf8' }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

export function runRetire(argv: readonly string[], root: string, log: { info(m: string): void; error(m: string): void } = console): number {
  let target: string | undefined;
  let reason: string | undefined;
  let by: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--reason') reason = inline ?? argv[++i];
    else if (flag === '--by') by = inline ?? argv[++i];
    else if (!argv[i].startsWith('--') && target === undefined) target = argv[i];
    else {
      log.error(`contracts:retire: unexpected argument "${argv[i]}".\n${USAGE}`);
      return 2;
    }
  }
  const id = target ? normaliseProductId(target) : undefined;
  if (!id) {
    log.error(`contracts:retire: ${target === undefined ? 'which product version?' : `"${target}" is not <domain>/<name>@<version>, e.g. payments/refund-events@1`}.\n${USAGE}`);
    return 2;
  }
  if (!reason || reason.trim().length < RETIREMENT_REASON_MIN) {
    log.error(`contracts:retire: ${id}: --reason is required (at least ${RETIREMENT_REASON_MIN} characters): say why its data may go, e.g. "consumers moved to v2 on 2026-11-01".\n${USAGE}`);
    return 2;
  }
  const file = join(root, RETIRED_FILE);
  try {
    const before = readRetirements(file);
    const [, domain, name, version] = /^(.+)\/(.+)@v(\d+)$/.exec(id) as RegExpExecArray;
    const lock = `${LOCKS_DIR}/${lockFileName(domain, name, Number(version))}`;
    // Only what was locked (and so may be deployed) can be retired; an entry for anything else would silently
    // keep a product added later under that id out of synth. An existing entry may get a new reason.
    if (!existsSync(join(root, ...lock.split('/'))) && !before.some((r) => r.id === id)) {
      const locked = [...readLocks(join(root, LOCKS_DIR), root).locks.keys()];
      const guess = didYouMean(id, locked);
      log.error(`contracts:retire: ${id} has no lock (${lock} is missing): it was never locked, so nothing of it can be deployed and there is nothing to retire.${guess ? ` Did you mean ${guess}?` : locked.length ? ` Locked versions: ${locked.slice(0, 10).join(', ')}${locked.length > 10 ? ', …' : ''}.` : ''}`);
      return 2;
    }
    const list = withRetirement(before, { id, reason: reason.trim(), by: by ?? gitUser(root) });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, formatRetirements(list));
  } catch (err) {
    log.error(`contracts:retire: ${(err as Error).message}`);
    return 2;
  }
  log.info(`contracts:retire: ${id} is retired (${RETIRED_FILE}). Synth now leaves it out and removes its resources; commit the file, and delete the contract file in the same or a later change.`);
  return 0;
}

if (require.main === module) process.exitCode = runRetire(process.argv.slice(2), join(__dirname, '..'));
