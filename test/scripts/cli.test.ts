import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRetire } from '../../scripts/retire';
import { runReview } from '../../scripts/review';
import { retireCommand } from '../../contracts/retire/retired';
import { FIXTURE_LOCKS } from '../helpers';
import { PAYMENTS, REFUNDS, synth } from '../contracts/review/mesh-fixtures';

const quiet = () => {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } };
};

describe('npm run review', () => {
  const base = synth({ payments: PAYMENTS, refunds: REFUNDS }).dir;
  const work = mkdtempSync(join(tmpdir(), 'review-cli-'));

  it('exits 0 and writes review.md when nothing blocks; without --base the whole mesh is new', () => {
    const out = join(work, 'whole.md');
    expect(runReview(['--head', base, '--out', out], quiet().log)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('Base: nothing (the whole mesh is reviewed as new)');
  });

  it('exits 1 when a prod contract was deleted without retiring it, and names its topics', () => {
    const head = synth({ payments: PAYMENTS }).dir;
    const out = join(work, 'deleted.md');
    const { lines, log } = quiet();
    expect(runReview(['--base', base, '--head', head, '--out', out], log)).toBe(1);
    expect(lines.join('\n')).toContain('payments-prod: CM-DANGER-DESTROY: topic "payments.refund-events.v1" is destroyed');
    expect(readFileSync(out, 'utf8')).toContain('❌ **error** · `payments-prod` · CM-DANGER-DESTROY: topic "payments.refund-events.v1.dlq" is destroyed');
  });

  it('exits 2 on bad usage or an unreadable folder', () => {
    expect(runReview(['--bogus'], quiet().log)).toBe(2);
    expect(runReview(['--base'], quiet().log)).toBe(2);
    const { lines, log } = quiet();
    expect(runReview(['--base', join(work, 'missing'), '--head', base, '--out', join(work, 'x.md')], log)).toBe(2);
    expect(lines.join('\n')).toMatch(/is not a folder/);
    const broken = mkdtempSync(join(tmpdir(), 'review-broken-'));
    writeFileSync(join(broken, 'mesh-manifest.json'), '{ not json');
    expect(runReview(['--head', broken, '--out', join(work, 'y.md')], quiet().log)).toBe(2);
  });
});

/** A project folder with the fixture contracts' locks (retiring needs the version's lock). */
function lockedProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'retire-'));
  cpSync(FIXTURE_LOCKS, join(root, 'contracts', 'locks'), { recursive: true });
  return root;
}

/** What npm hands a script for a pasted `npm run <script> …` line: the words after `--` (without it, npm keeps the flags). */
function pasted(command: string): string[] {
  const words = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
  expect(words.slice(0, 2)).toEqual(['npm', 'run']);
  expect(words[3]).toBe('--');
  return words.slice(4);
}

describe('npm run contracts:retire', () => {
  it('records the retirement sorted, with reason and author; replaces an earlier entry', () => {
    const root = lockedProject();
    const { log } = quiet();
    expect(runRetire(['payments/refund-events@1', '--reason', 'refunds moved into payment-events', '--by', 'ana'], root, log)).toBe(0);
    expect(runRetire(['orders/order-state@v1', '--reason=replaced by order-state v2', '--by=bo'], root, log)).toBe(0);
    expect(runRetire(['payments/refund-events@v1', '--reason', 'refunds moved into payment-events v1', '--by', 'ana'], root, log)).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'contracts/retired.json'), 'utf8'))).toEqual([
      { id: 'orders/order-state@v1', reason: 'replaced by order-state v2', by: 'bo' },
      { id: 'payments/refund-events@v1', reason: 'refunds moved into payment-events v1', by: 'ana' },
    ]);
  });

  it('fails if the version has no lock: nothing to retire, nothing written, the near id suggested', () => {
    const root = lockedProject();
    const { lines, log } = quiet();
    expect(runRetire(['logistics/nope@1', '--reason', 'it never existed anyway'], root, log)).toBe(2);
    expect(lines.join('\n')).toMatch(/logistics\/nope@v1 has no lock \(contracts\/locks\/logistics\/nope\.v1\.lock\.json is missing\)/);
    expect(runRetire(['payments/refund-event@1', '--reason', 'a typo in the name'], root, log)).toBe(2);
    expect(lines.join('\n')).toMatch(/Did you mean payments\/refund-events@v1\?/);
    expect(existsSync(join(root, 'contracts/retired.json'))).toBe(false);
  });

  it('works as the review and synth print it, pasted (the flags after --)', () => {
    const root = lockedProject();
    const args = pasted(retireCommand('payments/refund-events@v1').replace('"…"', '"refunds moved into payment-events v2"'));
    expect(runRetire(args, root, quiet().log)).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'contracts/retired.json'), 'utf8'))).toEqual([expect.objectContaining({ id: 'payments/refund-events@v1', reason: 'refunds moved into payment-events v2' })]);
  });

  it('fails if the id is malformed or the reason is missing (exit 2, nothing written)', () => {
    const root = lockedProject();
    const { lines, log } = quiet();
    expect(runRetire(['payments/RefundEvents', '--reason', 'whatever it is'], root, log)).toBe(2);
    expect(runRetire(['payments/refund-events@1'], root, log)).toBe(2);
    expect(lines.join('\n')).toMatch(/--reason is required/);
    expect(existsSync(join(root, 'contracts/retired.json'))).toBe(false);
  });

  it('makes synth leave a retired version out even while its file is still there', () => {
    const { output } = synth({ payments: PAYMENTS, refunds: REFUNDS }, [{ id: 'payments/refund-events@v1', reason: 'refunds moved into payment-events', by: 'ana' }]);
    expect(output.manifest.products.map((p) => p.id)).toEqual(['payments/payment-events@v1']);
    expect(output.manifest.retired).toEqual([{ id: 'payments/refund-events@v1', reason: 'refunds moved into payment-events', by: 'ana' }]);
    expect([...(output.stacks.get('payments-prod')?.resources.values() ?? [])].some((r) => String(r.config.name).startsWith('payments.refund-events'))).toBe(false);
  });
});
