/**
 * The toolkit's tests never read the live mesh — `contracts/products/`, `contracts/locks/`, `contracts/migrations/`
 * and `contracts/retired.json` — so that a team adding, changing or retiring a product cannot turn them red. (What the
 * live mesh must satisfy is `npm run check`, run by the tests under `test/mesh/`.)
 *
 * Installed for every test file (jest.config.js `setupFilesAfterEnv`): the file-system calls that read a path
 * (`readFileSync`, `readdirSync`, `existsSync`, `statSync`, `cpSync`, … and their async forms) throw when the path
 * is in the live mesh, and the test fails even where the code under test catches that error. Test files under
 * `test/mesh/` are the mesh's own checks and may read it.
 */
import { relative, resolve, sep } from 'node:path';

// The module object itself (not an import namespace copy): the code under test looks its functions up on it at each call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');

const ROOT = resolve(__dirname, '../..');

/** The live mesh's folders and files that toolkit tests must not read. */
export const LIVE_MESH_PATHS: readonly string[] = ['contracts/products', 'contracts/locks', 'contracts/migrations', 'contracts/retired.json'].map((p) => resolve(ROOT, p));

/** Test files under this folder check the live mesh itself. */
export const MESH_TESTS = resolve(ROOT, 'test', 'mesh');

interface GuardState {
  /** The test file now running may read the live mesh. */
  allowed: boolean;
  /** Reads of the live mesh since the last check. */
  violations: string[];
}

const STATE = Symbol.for('contract-mesh.live-mesh-guard');
const PATH_CALLS = [
  'readFileSync', 'readdirSync', 'existsSync', 'statSync', 'lstatSync', 'openSync', 'opendirSync', 'cpSync', 'accessSync', 'realpathSync',
  'readFile', 'readdir', 'stat', 'lstat', 'open', 'opendir', 'cp', 'access', 'createReadStream',
] as const;
const PROMISE_CALLS = ['readFile', 'readdir', 'stat', 'lstat', 'open', 'opendir', 'cp', 'access'] as const;

/** True when `path` is, or is inside, one of the live mesh's paths. */
export function isLiveMeshPath(path: unknown): boolean {
  const p = typeof path === 'string' ? path : path instanceof URL ? path.pathname : Buffer.isBuffer(path) ? path.toString() : undefined;
  if (p === undefined) return false;
  const abs = resolve(p);
  return LIVE_MESH_PATHS.some((l) => abs === l || abs.startsWith(`${l}${sep}`));
}

function message(path: string): string {
  return `a toolkit test read the live mesh: ${relative(ROOT, resolve(path))}. Toolkit tests use the fixture contracts (test/helpers.ts: FIXTURE_PRODUCTS, FIXTURE_LOCKS, fixtureSynth(), copyExampleContracts()), so that a team's products cannot break them; checks of the live mesh belong in test/mesh/ (npm run check).`;
}

/** The guard's state, shared by every test file of the worker (the `fs` module is too). */
function state(): GuardState {
  const holder = fs as unknown as Record<symbol, GuardState | undefined>;
  let s = holder[STATE];
  if (!s) {
    s = { allowed: false, violations: [] };
    holder[STATE] = s;
    const guard = <T extends (...args: never[]) => unknown>(target: Record<string, unknown>, name: string) => {
      const original = target[name] as T | undefined;
      if (typeof original !== 'function') return;
      const wrapped = function (this: unknown, ...args: unknown[]) {
        const current = (fs as unknown as Record<symbol, GuardState>)[STATE];
        // Every one of these calls takes the path it reads first (cp: the source).
        if (!current.allowed && isLiveMeshPath(args[0])) {
          const m = message(String(args[0]));
          current.violations.push(m);
          throw new Error(m);
        }
        return (original as unknown as (...a: unknown[]) => unknown).apply(this, args);
      };
      Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true, enumerable: true });
    };
    for (const name of PATH_CALLS) guard(fs as unknown as Record<string, unknown>, name);
    for (const name of PROMISE_CALLS) guard(fs.promises as unknown as Record<string, unknown>, name);
  }
  return s;
}

/** True for the test files that check the live mesh itself (under `test/mesh/`). */
export function mayReadLiveMesh(testPath: string | undefined): boolean {
  return testPath !== undefined && resolve(testPath).startsWith(`${MESH_TESTS}${sep}`);
}

/** Runs `fn` and returns the live-mesh reads it attempted, without failing the test for them (for the guard's own test). */
export function liveMeshReadsDuring(fn: () => void): string[] {
  const s = state();
  const before = s.violations.length;
  try {
    fn();
  } catch {
    // the guard's error, or what the code under test made of it
  }
  return s.violations.splice(before);
}

/** Installs the guard for the current test file; called by the jest setup. */
export function installLiveMeshGuard(testPath: string | undefined): void {
  const s = state();
  s.allowed = mayReadLiveMesh(testPath);
  s.violations = [];
  const check = () => {
    const found = s.violations.splice(0);
    if (found.length) throw new Error([...new Set(found)].join('\n'));
  };
  afterEach(check);
  afterAll(check);
}
