import { derivePartitions } from '../../../contracts/derive/partitions';
import { dev, prod } from '../../helpers';

const t = (peakMessagesPerSecond: number, averageMessageBytes: number) => ({ throughput: { peakMessagesPerSecond, averageMessageBytes } });

describe('derivePartitions', () => {
  it('sizes by bytes when records are large: ⌈rate × size × 2 ÷ 1 MB/s⌉', () => {
    // 2,000 msg/s × 2,000 B = 4 MB/s; ×2 = 8 → 8 partitions (by messages: 4)
    expect(derivePartitions(t(2000, 2000), prod).value).toBe(8);
  });

  it('sizes by messages when records are small: ⌈rate × 2 ÷ 1,000 msg/s⌉', () => {
    // 5,000 msg/s × 100 B = 0.5 MB/s → 1 by bytes; by messages 10
    expect(derivePartitions(t(5000, 100), prod).value).toBe(10);
  });

  it("raises to the environment's minimum and says so", () => {
    const d = derivePartitions(t(10, 100), prod);
    expect(d.value).toBe(3);
    expect(d.reason).toMatch(/→ 1, raised to prod's minimum of 3/);
    expect(derivePartitions(t(10, 100), dev).value).toBe(1);
  });

  it("caps at the environment's maximum and says so", () => {
    const d = derivePartitions(t(1_000_000, 1000), dev);
    expect(d.value).toBe(12);
    expect(d.reason).toMatch(/capped at dev's maximum of 12/);
  });

  it('explains the formula with the inputs', () => {
    expect(derivePartitions(t(2000, 400), prod).reason).toBe(
      'peak 2,000 msg/s × 400 B = 0.8 MB/s; ×2 headroom over 1 MB/s and 1,000 msg/s per partition → 4',
    );
  });

  it('shows a small byte rate in a unit that does not round it to 0, and one partition in the singular', () => {
    expect(derivePartitions(t(1, 100), dev).reason).toBe('peak 1 msg/s × 100 B = 100 B/s; ×2 headroom over 1 MB/s and 1,000 msg/s per partition → 1');
    expect(derivePartitions(t(20, 250), dev).reason).toMatch(/= 5 kB\/s;/);
    expect(derivePartitions(t(0.001, 10), dev).reason).toMatch(/^peak 0\.001 msg\/s × 10 B = 0\.01 B\/s;/);
  });
});
