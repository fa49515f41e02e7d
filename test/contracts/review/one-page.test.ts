/**
 * The review is one page: only what the change touches appears in each section (totals for the rest), a table with
 * nothing to show is left out, resources keep stable descriptions (adding a product changes no other resource), and
 * long lists fold under <details>. Real synth outputs of the fixture mesh, base and head synthesized in the same
 * folder (as CI synthesizes both from the same repository layout).
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lockMesh } from '../../../contracts/lock/lock-mesh';
import { reviewMesh } from '../../../contracts/review/review';
import { EMPTY_OUTPUT, readSynthOutput, type SynthOutput } from '../../../contracts/review/synth-output';
import { synthesizeMesh } from '../../../stacks/app';
import { ENVIRONMENTS } from '../../../stacks/environments';
import { copyExampleContracts } from '../../helpers';
import { parcelScansSource } from '../../support/new-product';
import { linesOutsideDetails } from './review-size';

const ROOT = resolve(__dirname, '../../..');
const quiet = { info: () => undefined, error: (m: string) => { throw new Error(m); } };

/** The fixture mesh in a folder of its own; `synth()` writes a new output each time (locking first, as a team does). */
function mesh() {
  const work = mkdtempSync(join(tmpdir(), 'one-page-'));
  const products = copyExampleContracts(work);
  let n = 0;
  return {
    products,
    work,
    synth(): SynthOutput {
      expect(lockMesh({ root: ROOT, productsDir: products, environments: ENVIRONMENTS, log: quiet })).toBe(0);
      expect(synthesizeMesh({ root: ROOT, productsDir: products, outdir: join(work, 'cdktf.out'), retiredFile: join(work, 'retired.json'), log: quiet })).toBe(0);
      const out = join(work, `out-${++n}`);
      renameSync(join(work, 'cdktf.out'), out);
      return readSynthOutput(out);
    },
    /** Back to the fixture mesh, as the base was synthesized (products, locks, migrations and their record). */
    reset() {
      for (const part of ['products', 'locks', 'migrations', 'retired.json']) rmSync(join(work, part), { recursive: true, force: true });
      copyExampleContracts(work);
    },
    edit(file: string, change: (source: string) => string) {
      const path = join(products, file);
      writeFileSync(path, change(readFileSync(path, 'utf8')));
    },
  };
}

/** A new product whose second consumer is a principal the mesh already has (User:ledger-sink). */
const PARCEL_SCANS = parcelScansSource(["{ name: 'ledger', principal: 'User:ledger-sink' },"]);

/** The ids of the products that are not in the change: none of them may appear on the page. */
const UNCHANGED = ['customers/consent-events@v1', 'customers/customer-profile@v1', 'orders/order-state@v1', 'orders/shipment-events@v1', 'payments/payment-events@v1'];

describe('the review is one page', () => {
  const m = mesh();
  const base = m.synth();
  afterEach(() => m.reset());
  afterAll(() => rmSync(m.work, { recursive: true, force: true }));

  it('of the whole fixture mesh against an empty base fits a pull-request comment without truncation', () => {
    const r = reviewMesh(EMPTY_OUTPUT, base, {}, false);
    const bytes = Buffer.byteLength(r.markdown);
    // CI posts the page as a comment and truncates it above this size (.github/workflows/review.yml).
    const workflow = readFileSync(join(ROOT, '.github', 'workflows', 'review.yml'), 'utf8');
    const limit = Number(/-gt (\d+)/.exec(workflow)?.[1]);
    expect(limit).toBeGreaterThan(0);
    expect(limit).toBeLessThanOrEqual(60_000);
    if (bytes > limit) throw new Error(`the review is ${bytes} bytes (the comment limit is ${limit})`);
    for (const p of [...UNCHANGED, 'payments/refund-events@v1']) expect(r.markdown).toContain(`### ${p} — added`);
    expect(r.markdown.trimEnd()).toMatch(/## Lineage[\s\S]*```mermaid[\s\S]*```$/);
  });

  it('of one product added in a new domain: at most 80 lines outside <details>, no other product on it, no other resource changed', () => {
    mkdirSync(join(m.products, 'logistics'));
    writeFileSync(join(m.products, 'logistics', 'parcel-scans.ts'), PARCEL_SCANS);
    const head = m.synth();
    const r = reviewMesh(base, head);
    expect(linesOutsideDetails(r.markdown)).toBeLessThanOrEqual(80);
    expect(r.markdown).toContain('### logistics/parcel-scans@v1 — added');
    for (const id of [...UNCHANGED, 'payments/refund-events@v1']) expect(r.markdown).not.toContain(id);
    expect(r.markdown).toContain('6 other products unchanged.');
    // Stable descriptions: outside the new domain, only the new principals' identities are created — the secret of
    // User:ledger-sink, which the new product names too, does not change.
    const elsewhere = r.changes.filter((c) => !c.stack.startsWith('logistics-'));
    expect(elsewhere.filter((c) => c.action !== 'create')).toEqual([]);
    expect([...new Set(elsewhere.map((c) => c.path.split('/').slice(0, 2).join('/')))].sort()).toEqual([
      'identities-dev/depot-scanner', 'identities-dev/logistics-oncall', 'identities-dev/parcel-tracker',
      'identities-prod/depot-scanner', 'identities-prod/logistics-oncall', 'identities-prod/parcel-tracker',
    ]);
    // The new product's ACLs are its ACL matrix: one line in the danger list.
    expect(r.markdown).toMatch(/CM-DANGER-GRANT-WIDENS: the new product logistics\/parcel-scans@v1 grants 14 ACLs in each \(its ACL matrix below\)/);
    expect(r.markdown).not.toMatch(/User:depot-scanner gains/);
    // The new domain's migration function is there for the new product's sink: its role and policy are the product's
    // IAM grants, in full, references named (the master secret, its own login secret).
    expect(r.markdown).toMatch(/the new product logistics\/parcel-scans@v1 grants 14 ACLs in each \(its ACL matrix below\) and 2 IAM roles and policies in each \(below\)/);
    expect(r.markdown).toMatch(/<details><summary>IAM grants of the new products \(4\)<\/summary>/);
    expect(r.markdown).toMatch(/new aws_iam_role_policy at PostgresSinks\/Policy allows [^\n]*secretsmanager:GetSecretValue on `\$\{aws_secretsmanager_secret\.PostgresSinks_Login-logistics__tracking_[0-9A-F]+\.arn\}`, `\$\{data\.terraform_remote_state\.Platform\.outputs\.database_master_secret_arn\}`/);
  });

  it('of a schema-only change: only its rows, no empty table, costs in one line', () => {
    m.edit('payments/refund-events.ts', (s) => s.replace('requestedAt: z.iso.datetime(),', 'requestedAt: z.iso.datetime(),\n    channel: z.string().max(20).optional(),'));
    const r = reviewMesh(base, m.synth());
    expect(r.markdown).toContain('### payments/refund-events@v1 — changed');
    expect(r.markdown).toMatch(/\| schema\.channel \| — \| string ≤20, optional \|/);
    for (const id of UNCHANGED) expect(r.markdown).not.toContain(id);
    // no table without rows, no settings that do not change, no ACL matrix (the ACLs do not change)
    expect(r.markdown).not.toMatch(/\|---[^\n]*\n\n/);
    expect(r.markdown).not.toMatch(/\| retention\.ms \|/);
    expect(r.markdown).not.toContain('ACL matrix');
    expect(r.markdown).toMatch(/No product's estimate changes\. The mesh \(6 products\): dev [^\n]*; prod [^\n]*\./);
    // its measured size ratio moves: its saving, its domain's (which holds another product) and the mesh's
    expect(r.markdown).toMatch(/\| payments\/refund-events@v1 \| prod \| [\d.]+ → \*\*[\d.]+\*\* \(8 samples\) \|/);
    expect(r.markdown).toMatch(/\| \*\*all of payments\*\* \(2 measured products\) \| prod \| \| \| /);
    expect(r.markdown).toMatch(/\| \*\*the mesh\*\* \(6 measured products\) \| prod \| \| \| /);
    expect(r.markdown).toContain('No producer, topic, consumer or sink table is added or removed.');
    expect(linesOutsideDetails(r.markdown)).toBeLessThanOrEqual(60);
  });

  it("shows in full the SQL that alters a table holding data, and lists a new table's generated migrations", () => {
    m.edit('payments/payment-events.ts', (s) => s.replace('merchantId: z.string().max(64),', 'merchantId: z.string().max(64),\n    channel: z.string().max(20).optional(),'));
    const changed = reviewMesh(base, m.synth()).markdown;
    expect(changed).toMatch(/<details><summary>New SQL migrations \(1, every environment; 1 on a table that holds data, in full; files in contracts\/migrations\/\)<\/summary>/);
    expect(changed).toMatch(/- `payments\/payment-events\.v1\/ledger\/0003_shape-2\.sql`: [^\n]+\(\d+ lines\)\.\n\n```sql\n[\s\S]*ADD COLUMN[^\n]*"channel"/);
    const added = reviewMesh(EMPTY_OUTPUT, base, {}, false).markdown;
    expect(added).toMatch(/- `payments\/payment-events\.v1\/ledger\/0001_create\.sql`: creates its sink table \(\d+ lines\)\.\n/);
    expect(added).not.toContain('CREATE TABLE');
  });

  it('folds a long danger list (the accesses two removed consumers lose) under <details>, one line outside', () => {
    m.edit('customers/customer-profile.ts', (s) => s.replace(/consumers: \[[\s\S]*?\],\n\}\);/, 'consumers: [],\n});'));
    const head = m.synth();
    const r = reviewMesh(base, head);
    const lost = r.dangers.filter((d) => d.code === 'CM-DANGER-ACCESS-LOST');
    expect(lost).toHaveLength(16); // 2 consumers × 4 ACLs × dev and prod
    const section = r.markdown.slice(r.markdown.indexOf('## Danger list'), r.markdown.indexOf('## Summary'));
    expect(section).toMatch(/- ⚠️ warning · `customers-dev`, `customers-prod` · CM-DANGER-ACCESS-LOST × 8: lost or interrupted accesses, each below\.\n\n<details><summary>CM-DANGER-ACCESS-LOST: lost or interrupted accesses \(8\)<\/summary>/);
    const inside = section.slice(section.indexOf('<details>'), section.indexOf('</details>'));
    expect(inside.match(/^- ⚠️ warning · `customers-dev`, `customers-prod` · CM-DANGER-ACCESS-LOST: User:(crm-sync|customer-care) loses /gm)).toHaveLength(8);
    const outside = section.replace(/<details>[\s\S]*?<\/details>/g, '');
    expect(outside.match(/ACCESS-LOST/g)).toHaveLength(1);
  });
});
