/**
 * Retired product major versions: `contracts/retired.json`, written by
 * `npm run contracts:retire -- <domain>/<name>@<version> --reason "…"`.
 *
 * A retired version's resources are removed (synth skips its contract even if
 * the file is still there), and the acknowledgement outlives the contract
 * file: the review shows the reason for every resource that goes away with
 * it. Deleting a contract that was never retired fails synth (its lock has no
 * contract file) and is an error in a production stack's review.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The command that retires a product version, as it must be pasted: npm hands only the words after `--` to the script. */
export function retireCommand(id: string): string {
  return `npm run contracts:retire -- ${id} --reason "…"`;
}

/** One retirement. No timestamp: the commit that adds it says when. */
export interface Retirement {
  /** `<domain>/<name>@v<version>`. */
  readonly id: string;
  /** Why the version can go: who moved where, what data loss is accepted. */
  readonly reason: string;
  /** Who decided. */
  readonly by: string;
}

export const RETIRED_FILE = 'contracts/retired.json';
export const RETIREMENT_REASON_MIN = 10;
const ID = /^([a-z][a-z0-9-]*)\/([a-z][a-z0-9-]*)@v?([1-9][0-9]{0,2})$/;

/** `payments/refund-events@1` or `…@v1` → `payments/refund-events@v1`; undefined when malformed. */
export function normaliseProductId(text: string): string | undefined {
  const m = ID.exec(text.trim());
  return m ? `${m[1]}/${m[2]}@v${Number(m[3])}` : undefined;
}

/** Parses the file's content; throws an Error naming the entry and the fix. */
export function parseRetirements(text: string, file = RETIRED_FILE): Retirement[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message}). Fix: restore it from git, or re-run npm run contracts:retire.`);
  }
  if (!Array.isArray(data)) throw new Error(`${file}: expected a list of { id, reason, by }.`);
  return data.map((e: Record<string, unknown>, i) => {
    const id = typeof e?.id === 'string' ? normaliseProductId(e.id) : undefined;
    if (!id) throw new Error(`${file}[${i}]: id ${JSON.stringify(e?.id)} is not <domain>/<name>@v<version>.`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < RETIREMENT_REASON_MIN) throw new Error(`${file}[${i}] (${id}): a retirement needs a reason of at least ${RETIREMENT_REASON_MIN} characters.`);
    return { id, reason: e.reason.trim(), by: typeof e.by === 'string' ? e.by : 'unknown' };
  });
}

/** The retirements in `file`; none when it does not exist. */
export function readRetirements(file: string): Retirement[] {
  return existsSync(file) ? parseRetirements(readFileSync(file, 'utf8'), file) : [];
}

/** Adds (or replaces) a retirement; sorted by id, so the file diffs cleanly. */
export function withRetirement(list: readonly Retirement[], entry: Retirement): Retirement[] {
  return [...list.filter((r) => r.id !== entry.id), entry].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The file's content. */
export function formatRetirements(list: readonly Retirement[]): string {
  return `${JSON.stringify(list, null, 2)}\n`;
}
