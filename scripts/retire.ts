/**
 * `npm run contracts:retire <domain>/<name>@<version> --reason "…" [--by <who>]`
 *
 * Records the retirement of a product major version in contracts/retired.json
 * (commit it). From then on synth leaves the version out (its topics, dead
 * letters and ACLs are removed), and the review shows the reason instead of
 * blocking the data loss. The contract file may then be deleted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
    const list = withRetirement(readRetirements(file), { id, reason: reason.trim(), by: by ?? gitUser(root) });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, formatRetirements(list));
  } catch (err) {
    log.error(`contracts:retire: ${(err as Error).message}`);
    return 2;
  }
  log.info(`contracts:retire: ${id} is retired (${RETIRED_FILE}). Synth now leaves it out; commit the file, then delete the contract when you like.`);
  return 0;
}

if (require.main === module) process.exitCode = runRetire(process.argv.slice(2), join(__dirname, '..'));
