/** Locks: created once, advanced only by accepted changes, partitions fixed; synth's check never writes. */
import { z } from '../../../contracts/index';
import { parseLock, serializeLock, type ProductLock } from '../../../contracts/lock/lock-file';
import { lockedPartitions, nextPartitionLock } from '../../../contracts/lock/partitions';
import { checkLock, updateLock } from '../../../contracts/lock/update-lock';
import { compiled, dev, prod, problemsOf } from '../../helpers';

const ENVS = [dev, prod];
const v1 = () => compiled({ compatibility: 'BACKWARD' });
const first = (): ProductLock => updateLock(v1(), undefined, ENVS).lock!;
const withSchema = (extra: Record<string, z.ZodType>, overrides: Record<string, unknown> = {}) =>
  compiled({
    compatibility: 'BACKWARD',
    schema: z.object({
      paymentId: z.uuid(),
      amountMinor: z.int().nonnegative(),
      currency: z.enum(['USD', 'EUR', 'GBP']),
      occurredAt: z.iso.datetime(),
      merchantId: z.string().max(64),
      metadata: z.record(z.string(), z.string()).optional(),
      ...extra,
    }),
    ...overrides,
  });

describe('first lock', () => {
  const r = updateLock(v1(), undefined, ENVS);
  it('records the shape as the first history entry, numbers every field and fixes partitions per environment', () => {
    expect(r.problems).toEqual([]);
    expect(r.changed).toBe(true);
    expect(r.lock?.product).toBe('payments/payment-events@v1');
    expect(r.lock?.history).toHaveLength(1);
    expect(r.lock?.history[0]).toMatchObject({ key: 'paymentId', kind: 'event' });
    expect(r.lock?.numbering.fields.currency).toEqual({ number: 3, values: { USD: { number: 1 }, EUR: { number: 2 }, GBP: { number: 3 } } });
    expect(r.lock?.partitions).toEqual({ dev: { initial: 4, current: 4 }, prod: { initial: 4, current: 4 } });
  });
  it('round-trips through its file format', () => {
    expect(parseLock(serializeLock(r.lock!)).lock).toEqual(r.lock);
  });
  it('fails if the file is not a lock', () => {
    expect(parseLock('{"lockVersion":1}').error).toMatch(/names no product/);
    expect(parseLock('nope').error).toMatch(/not JSON/);
  });
});

describe('advancing a lock', () => {
  it('an unchanged contract leaves the lock as it is', () => {
    const r = updateLock(v1(), first(), ENVS);
    expect(r).toMatchObject({ changed: false, problems: [] });
  });
  it('an accepted change is appended to the history, with a fresh number for the new field', () => {
    const r = updateLock(withSchema({ channel: z.string().optional() }), first(), ENVS);
    expect(r.problems).toEqual([]);
    expect(r.lock?.history).toHaveLength(2);
    expect(r.lock?.numbering.fields.channel).toEqual({ number: 7 });
  });
  it('fails if the gate rejects the change (same messages as synth), and returns no lock', () => {
    const r = updateLock(withSchema({ channel: z.string() }), first(), ENVS);
    expect(r.lock).toBeUndefined();
    expect(r.problems).toEqual([expect.objectContaining({ product: 'payments/payment-events@v1', field: 'schema.channel', fix: expect.stringMatching(/payment-events\.v2\.ts with version: 2/) })]);
    expect(checkLock(withSchema({ channel: z.string() }), first(), ENVS)).toEqual(r.problems);
  });
  it('a throughput change never changes the locked partitions', () => {
    const busier = compiled({ compatibility: 'BACKWARD', throughput: { peakMessagesPerSecond: 20_000, averageMessageBytes: 400 } });
    const r = updateLock(busier, first(), ENVS);
    expect(r.changed).toBe(false);
    expect(r.lock?.partitions.prod).toEqual({ initial: 4, current: 4 });
  });
  it('a new environment gets its partitions fixed at its first lock', () => {
    const staging = { ...prod, name: 'staging' };
    const r = updateLock(v1(), first(), [...ENVS, staging]);
    expect(r.changed).toBe(true);
    expect(r.lock?.partitions.staging).toEqual({ initial: 4, current: 4 });
  });
});

describe('checkLock (synth: never writes)', () => {
  it('holds for a current lock', () => {
    expect(checkLock(v1(), first(), ENVS)).toEqual([]);
  });
  it('fails if the lock is missing, naming the product and npm run contracts:lock', () => {
    expect(checkLock(v1(), undefined, ENVS)).toEqual([expect.objectContaining({
      product: 'payments/payment-events@v1',
      message: expect.stringMatching(/contracts\/locks\/payments\/payment-events\.v1\.lock\.json is missing/),
      fix: expect.stringMatching(/run `npm run contracts:lock`/),
    })]);
  });
  it('fails if the lock is stale (an accepted change not yet locked)', () => {
    expect(checkLock(withSchema({ channel: z.string().optional() }), first(), ENVS)).toEqual([expect.objectContaining({
      message: expect.stringMatching(/differs from the last shape in its lock \(the lock is stale\)/),
      fix: expect.stringMatching(/npm run contracts:lock/),
    })]);
  });
  it('fails if an environment has no locked partitions', () => {
    expect(checkLock(v1(), first(), [...ENVS, { ...prod, name: 'staging' }])[0].message).toMatch(/lacks staging partitions fixed at 4/);
  });
  it('fails if a key change is not locked, whatever the mode', () => {
    const p = compiled({ compatibility: 'NONE', key: 'merchantId' });
    expect(checkLock(p, updateLock(compiled({ compatibility: 'NONE' }), undefined, ENVS).lock, ENVS)).toEqual([
      expect.objectContaining({ field: 'key', message: expect.stringMatching(/within a major version/) }),
    ]);
  });
});

describe('partitions', () => {
  const lock = first();
  it('the plan quotes the lock and what a derivation would give now', () => {
    const busier = compiled({ throughput: { peakMessagesPerSecond: 4000, averageMessageBytes: 400 } });
    expect(lockedPartitions(busier, prod, lock.partitions.prod)).toEqual({
      value: 4,
      reason: expect.stringMatching(/^4 partitions: fixed by the lock at v1's first lock; derived now would be 8 \(/),
    });
  });
  it('an event grows only when its contract asks explicitly', () => {
    const grown = compiled({ partitions: { grow: { prod: 12 } } });
    const r = updateLock(grown, lock, ENVS);
    expect(r.lock?.partitions).toEqual({ dev: { initial: 4, current: 4 }, prod: { initial: 4, current: 12 } });
    expect(lockedPartitions(grown, prod, r.lock!.partitions.prod).reason).toMatch(/^12 partitions: grown from 4 .*partitions\.grow\.prod — DANGER/);
    expect(checkLock(grown, lock, ENVS)[0].message).toMatch(/prod partitions grown from 4 to 12/);
  });
  it('fails if the contract asks for fewer partitions than locked', () => {
    const r = nextPartitionLock(compiled({ partitions: { grow: { prod: 2 } } }), prod, { initial: 4, current: 6 });
    expect(r.problems).toEqual([expect.objectContaining({ field: 'partitions.grow.prod', message: expect.stringMatching(/fewer than the 6 locked.*destroy and re-create/) })]);
  });
  it('removing the grow setting keeps the grown count', () => {
    const r = updateLock(compiled({}), { ...lock, partitions: { ...lock.partitions, prod: { initial: 4, current: 12 } } }, ENVS);
    expect(r.lock?.partitions.prod).toEqual({ initial: 4, current: 12 });
  });
  it('fails if an entity asks to grow (validation rule)', () => {
    expect(problemsOf({ kind: 'entity', partitions: { grow: { prod: 12 } } })).toEqual([
      expect.objectContaining({ field: 'partitions.grow', message: expect.stringMatching(/an entity never changes partitions within a major version/) }),
    ]);
  });
  it('fails if grow names an unknown environment or a bad count', () => {
    expect(updateLock(compiled({ partitions: { grow: { qa: 5 } } }), lock, ENVS).problems).toEqual([expect.objectContaining({ field: 'partitions.grow.qa' })]);
    expect(problemsOf({ partitions: { grow: { prod: 0 } } })).toEqual([expect.objectContaining({ field: 'partitions.grow.prod' })]);
    expect(problemsOf({ partitions: { shrink: 1 } })).toEqual([expect.objectContaining({ field: 'partitions.shrink' })]);
  });
  it('holds for a valid grow setting', () => {
    expect(problemsOf({ partitions: { grow: { prod: 12 } } })).toEqual([]);
  });
});
