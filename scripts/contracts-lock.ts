/**
 * `npm run contracts:lock`: creates missing product locks and appends accepted
 * contract changes (see contracts/lock/lock-mesh.ts). Commit the locks with
 * the contracts.
 */
import { lockMesh } from '../contracts/lock/lock-mesh';
import { ENVIRONMENTS } from '../stacks/environments';

process.exitCode = lockMesh({ root: process.cwd(), environments: ENVIRONMENTS });
