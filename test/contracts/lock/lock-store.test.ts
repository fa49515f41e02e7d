/** Lock files on disk: read by product id, problems for unreadable or misplaced files. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLocks, writeLock } from '../../../contracts/lock/lock-store';
import { updateLock } from '../../../contracts/lock/update-lock';
import { compiled, dev, prod } from '../../helpers';

describe('lock store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'contract-mesh-locks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lock = updateLock(compiled(), undefined, [dev, prod]).lock!;

  it('writes <domain>/<name>.v<version>.lock.json and reads it back by product id', () => {
    const file = writeLock(dir, 'payments', 'payment-events', 1, lock);
    expect(file).toBe(join(dir, 'payments', 'payment-events.v1.lock.json'));
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
    const r = readLocks(dir, dir);
    expect(r.problems).toEqual([]);
    expect(r.locks.get('payments/payment-events@v1')).toEqual(lock);
  });
  it('fails if a lock file is not a lock, naming the file', () => {
    mkdirSync(join(dir, 'orders'), { recursive: true });
    writeFileSync(join(dir, 'orders', 'broken.v1.lock.json'), '{');
    const r = readLocks(dir, dir);
    expect(r.problems).toEqual([expect.objectContaining({ product: 'orders/broken.v1.lock.json', message: expect.stringMatching(/cannot be read: it is not JSON/) })]);
    rmSync(join(dir, 'orders'), { recursive: true });
  });
  it('fails if a lock is in the wrong place', () => {
    mkdirSync(join(dir, 'orders'), { recursive: true });
    writeFileSync(join(dir, 'orders', 'payment-events.v1.lock.json'), JSON.stringify(lock));
    const r = readLocks(dir, dir);
    expect(r.problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/lock of payments\/payment-events@v1 is in the wrong place/), fix: expect.stringMatching(/payments\/payment-events\.v1\.lock\.json/) })]);
    rmSync(join(dir, 'orders'), { recursive: true });
  });
  it('a missing folder means no locks', () => {
    expect(readLocks(join(dir, 'nope')).locks.size).toBe(0);
  });
});
