/**
 * The mesh of this repository — whatever products are under contracts/products/ — passes `npm run check`: every
 * product locked and up to date, synth and the policy pass, the generated protos pass buf lint, the committed
 * migrations are what contracts:lock wrote. This is the one test that reads the live mesh (see
 * test/support/live-mesh-guard.ts); the toolkit's own tests use test/fixtures/contracts/.
 */
import { resolve } from 'node:path';
import { checkMesh } from '../../scripts/check';

const ROOT = resolve(__dirname, '../..');

it('the mesh in contracts/ passes npm run check', () => {
  const report: string[] = [];
  const code = checkMesh({ root: ROOT, log: { info: (m) => report.push(m), error: (m) => report.push(m) } });
  // On failure, the message is the check's own report: what failed and how to fix it.
  if (code !== 0) throw new Error(`npm run check fails on the mesh in contracts/:\n\n${report.join('\n')}`);
  expect(report.join('\n')).toMatch(/contract-mesh check: passed/);
});
