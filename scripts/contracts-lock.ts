/**
 * `npm run contracts:lock [-- --contracts <folder>]`: creates missing product
 * locks, appends accepted contract changes and writes (and records) their sink
 * migrations (see contracts/lock/lock-mesh.ts). Commit the locks and the
 * migrations with the contracts.
 *
 * `--contracts <folder>`: another contracts folder (holding products/, locks/,
 * migrations/ and retired.json), e.g. the toolkit's test fixtures:
 * `npm run contracts:lock -- --contracts test/fixtures/contracts`.
 */
import { join, resolve } from 'node:path';
import { lockMesh } from '../contracts/lock/lock-mesh';
import { ENVIRONMENTS } from '../stacks/environments';

const USAGE = 'usage: npm run contracts:lock [-- --contracts <folder with products/, locks/, migrations/>]';

export function runLock(argv: readonly string[], root: string): number {
  let contracts: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--contracts' && (inline ?? argv[i + 1]) !== undefined) contracts = inline ?? argv[++i];
    else {
      console.error(`contracts:lock: unexpected argument "${argv[i]}".\n${USAGE}`);
      return 2;
    }
  }
  return lockMesh({ root, ...(contracts ? { productsDir: join(resolve(root, contracts), 'products') } : {}), environments: ENVIRONMENTS });
}

if (require.main === module) process.exitCode = runLock(process.argv.slice(2), process.cwd());
