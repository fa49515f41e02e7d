import { lockedPartitions, partitionWarning } from '../../../contracts/lock/partitions';
import { compiled, dev, prod } from '../../helpers';

/** The reference product (an event) at a peak rate; 400 B records. */
const at = (peakMessagesPerSecond: number, overrides: Record<string, unknown> = {}) => compiled({ throughput: { peakMessagesPerSecond, averageMessageBytes: 400 }, ...overrides });

describe('partitions under the lock', () => {
  it('names one partition in the singular', () => {
    expect(lockedPartitions(at(10), dev, { initial: 1, current: 1 }).reason).toMatch(/^1 partition: fixed by the lock at v1's first lock; derivation agrees/);
  });

  it('holds: no warning while the locked partitions carry the throughput (or more)', () => {
    expect(partitionWarning(at(2000), prod, { initial: 4, current: 4 })).toBeUndefined();
    expect(partitionWarning(at(100), prod, { initial: 12, current: 12 })).toBeUndefined();
  });

  it('warns if the throughput grew after the partitions were locked: both numbers and the remedy', () => {
    const w = partitionWarning(at(8000), prod, { initial: 4, current: 4 });
    expect(w).toMatch(/^payments\/payment-events@v1 in prod: the contract's throughput now derives 16 partitions \(peak 8,000 msg\/s × 400 B = 3\.2 MB\/s; .*\), but the lock keeps 4 \(fixed at v1's first lock\)/);
    expect(w).toMatch(/To carry it, add partitions: \{ grow: \{ prod: 16 \} \} to the contract and run `npm run contracts:lock`/);
  });

  it('tells an entity to declare its next major version instead', () => {
    const w = partitionWarning(at(8000, { kind: 'entity' }), prod, { initial: 4, current: 4 });
    expect(w).toMatch(/To carry it, declare the next major version \(a new contract file with version: 2, a new topic\)/);
  });
});
