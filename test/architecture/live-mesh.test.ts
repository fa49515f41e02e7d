/**
 * The toolkit's tests do not depend on the mesh's products: no toolkit test reads the live `contracts/products/`,
 * `contracts/locks/`, `contracts/migrations/` or `contracts/retired.json` — so a team that adds, evolves or retires a
 * product cannot turn them red. Two proofs:
 *
 * - at run time, the guard installed for every test file (test/support/live-mesh-guard.ts) fails any toolkit test that
 *   reads those paths through `fs`, even where the code under test catches the error: the whole suite passing with the
 *   guard on is the proof for every read made in the test process;
 * - statically, no toolkit test imports a module from those folders (jest loads imports through its own file reader,
 *   which the guard does not see).
 *
 * Tests under test/mesh/ are the mesh's own checks (`npm run check`) and may read it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadMesh } from '../../stacks/app';
import { FIXTURE_LOCKS, FIXTURE_PRODUCTS, fixtureSynth } from '../helpers';
import { importsOf } from '../support/imports';
import { isLiveMeshPath, LIVE_MESH_PATHS, liveMeshReadsDuring, mayReadLiveMesh, MESH_TESTS } from '../support/live-mesh-guard';

const ROOT = resolve(__dirname, '../..');
const TEST = join(ROOT, 'test');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === '__snapshots__' ? [] : testFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The imports of a test file that resolve into the live mesh. */
function liveImports(file: string, source: string): string[] {
  return importsOf(source).filter((s) => s.startsWith('.') && isLiveMeshPath(resolve(dirname(file), s))).map((s) => `${relative(ROOT, file)} imports '${s}'`);
}

describe('toolkit tests and the live mesh', () => {
  it('the guard refuses every read of the live mesh, naming the path and the fixtures to use instead', () => {
    for (const live of LIVE_MESH_PATHS) {
      const reads = liveMeshReadsDuring(() => (live.endsWith('.json') ? readFileSync(live, 'utf8') : readdirSync(live)));
      expect(reads).toEqual([expect.stringContaining(`a toolkit test read the live mesh: ${relative(ROOT, live)}`)]);
      expect(reads[0]).toMatch(/fixtureSynth\(\)/);
    }
    expect(liveMeshReadsDuring(() => existsSync(join(ROOT, 'contracts', 'products', 'payments')))).toHaveLength(1);
    // what is not the live mesh stays readable: the fixtures, the toolkit's own code beside the products
    expect(liveMeshReadsDuring(() => [readdirSync(FIXTURE_PRODUCTS), readdirSync(FIXTURE_LOCKS), readFileSync(join(ROOT, 'contracts', 'index.ts'))])).toEqual([]);
    expect(isLiveMeshPath(join(ROOT, 'contracts', 'products-old'))).toBe(false);
  });

  it('fails if code under test reads the live mesh by default, even when it turns the error into a problem', () => {
    // loadMesh without folders reads the live contracts/products: caught although loadMesh reports it as a problem
    expect(liveMeshReadsDuring(() => loadMesh({ root: ROOT }))).toEqual([expect.stringContaining('contracts/products')]);
    expect(liveMeshReadsDuring(() => loadMesh({ root: ROOT, ...fixtureSynth() }))).toEqual([]);
  });

  it('lets only the tests under test/mesh/ read the live mesh', () => {
    expect(mayReadLiveMesh(join(MESH_TESTS, 'check.test.ts'))).toBe(true);
    expect(mayReadLiveMesh(join(TEST, 'stacks', 'app.test.ts'))).toBe(false);
    expect(mayReadLiveMesh(join(TEST, 'mesh-other', 'x.test.ts'))).toBe(false);
    expect(mayReadLiveMesh(undefined)).toBe(false);
  });

  it('no toolkit test imports a module from the live mesh', () => {
    // the checker finds such an import (it can fail)
    const sample = join(TEST, 'stacks', 'x.test.ts');
    const live = ['..', '..', 'contracts', 'products', 'payments', 'payment-events'].join('/'); // not an import of this file
    expect(liveImports(sample, `import { paymentEvents } from '${live}';`)).toHaveLength(1);
    expect(liveImports(sample, `const { paymentEvents } = require('${live}');`)).toHaveLength(1);
    expect(liveImports(sample, "import { paymentEvents } from '../fixtures/contracts/products/payments/payment-events';")).toEqual([]);
    const offenders = testFiles(TEST)
      .filter((f) => !mayReadLiveMesh(f))
      .flatMap((f) => liveImports(f, readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
