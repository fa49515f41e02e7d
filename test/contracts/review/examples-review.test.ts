/** Format guard: the review of the example mesh as new. The rules are proved in review.test.ts. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reviewMesh } from '../../../contracts/review/review';
import { EMPTY_OUTPUT, readSynthOutput } from '../../../contracts/review/synth-output';
import { synthesizeMesh } from '../../../stacks/app';

it("the examples' full review keeps its format", () => {
  const outdir = join(mkdtempSync(join(tmpdir(), 'examples-review-')), 'cdktf.out');
  const root = resolve(__dirname, '../../..');
  expect(synthesizeMesh({ root, outdir, log: { info: () => undefined, error: () => undefined } })).toBe(0);
  const review = reviewMesh(EMPTY_OUTPUT, readSynthOutput(outdir), { headLabel: 'examples' }, false);
  expect(review.exitCode).toBe(0);
  expect(review.markdown).toMatchSnapshot();
});
