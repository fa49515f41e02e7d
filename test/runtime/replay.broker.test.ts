/**
 * Dead-letter replay on the real broker, as the owner's principal with only
 * the ACLs the mesh derives (Write on the topic only because the contract
 * opts in with owner.replay): dead letters that pass the current contract go
 * back to the topic, the others are reported, nothing is deleted or
 * dead-lettered again; a dry run changes nothing.
 */
import { z } from 'zod';
import { compileProduct } from '../../contracts/compile';
import { defineDataProduct } from '../../contracts/dsl/data-product';
import { updateLock } from '../../contracts/lock/update-lock';
import { createConsumer, PoisonRecordError } from '../../runtime/consumer';
import { silentLog } from '../../runtime/log';
import { createProducer } from '../../runtime/producer';
import { formatReplayReport, REPLAYED_FROM_HEADER, replayDeadLetters } from '../../runtime/replay';
import { localEnvironment } from '../../stacks/environments';
import { describeBroker } from '../support/broker';
import { applyTestMesh, eventually, fixtureProducts, newTag, readTopic, renamed, type TestMesh, type TestProduct } from '../support/runtime-mesh';

describeBroker('dead-letter replay', (broker) => {
  const tag = newTag();
  const payments = fixtureProducts().find((p) => p.compiled.id === 'payments/payment-events@v1') as TestProduct;
  const owner = { ...payments.product.spec.owner, principal: `${payments.product.spec.owner.principal}-${tag}`, replay: true };
  const product = renamed(payments, tag, { owner });
  const noReplay = renamed(payments, `${tag}n`);
  const profiles = fixtureProducts().find((p) => p.compiled.id === 'customers/customer-profile@v1') as TestProduct;
  const pii = renamed(profiles, tag, { owner: { ...profiles.product.spec.owner, principal: `${profiles.product.spec.owner.principal}-${tag}`, replay: true } });
  let mesh: TestMesh;

  /** The contract as it was before: merchant ids of at most 8 characters (its producer dead-lettered longer ones). */
  const stricter = () => {
    const spec = product.product.spec;
    const strict = defineDataProduct({ ...spec, schema: (spec.schema as z.ZodObject).extend({ merchantId: z.string().max(8) }) as typeof spec.schema });
    const compiled = compileProduct(strict).product!;
    return { product: strict, lock: updateLock(compiled, undefined, [localEnvironment()]).lock! };
  };

  const record = (i: number, merchantId: string, currency = 'EUR') => ({
    paymentId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    amountMinor: 100 + i,
    currency,
    status: 'CAPTURED',
    occurredAt: '2026-01-02T03:04:05.000Z',
    merchantId,
  });

  beforeAll(async () => {
    mesh = await applyTestMesh(broker(), undefined, [product, noReplay, pii]);
    // Dead letters from the stricter producer: three now valid, one never valid (an unknown currency).
    const strict = stricter();
    const producer = await createProducer(strict.product, { connection: mesh.kafkaAs(product.compiled.producer.principal), lock: strict.lock });
    const results = await producer.sendBatch([record(1, 'merchant-0001'), record(2, 'merchant-0002'), record(3, 'ok'), record(4, 'merchant-0004', 'XXX'), record(5, 'merchant-0005')]);
    await producer.close();
    expect(results.map((r) => r.status)).toEqual(['dead-lettered', 'dead-lettered', 'sent', 'dead-lettered', 'dead-lettered']);
    // A consumer-side dead letter of a valid record (the handler called it poison): it carries the original bytes.
    let poisoned = false;
    const c = await createConsumer(product.product, 'fraud-scoring', async () => {
      poisoned = true;
      throw new PoisonRecordError('the merchant was unknown at the time');
    }, { connection: mesh.kafkaAs(product.compiled.consumers.find((x) => x.name === 'fraud-scoring')!.principal), lock: product.lock, log: silentLog, stopOnSignals: false });
    await eventually('the poison dead letter', () => poisoned);
    await c.stop();
  });
  afterAll(async () => {
    await mesh?.close();
  });

  const asOwner = () => mesh.kafkaAs(owner.principal);
  const mainOffsets = async () => (await mesh.admin.withAdmin((a) => a.topicOffsets(product.compiled.topic))).reduce((n, o) => n + Number(o.high), 0);

  it('a dry run reports what would happen and changes nothing', async () => {
    const before = await mainOffsets();
    const r = await replayDeadLetters(product.product, { connection: asOwner(), lock: product.lock, dryRun: true });
    expect(r).toMatchObject({ dryRun: true, examined: 5, remaining: 5 - 5 });
    expect(r.replayed).toHaveLength(4);
    expect(r.stillFailing).toEqual([expect.objectContaining({ key: record(4, '').paymentId, reason: 'the record does not satisfy the contract', paths: ['currency'] })]);
    expect(formatReplayReport(r).join('\n')).toMatch(/would replay 4 to the topic/);
    expect(await mainOffsets()).toBe(before);
    const committed = await mesh.admin.withAdmin((a) => a.committedOffsets(product.compiled.replayGroup, product.compiled.deadLetterTopic));
    expect(committed.every((o) => o.offset === '-1')).toBe(true);
  });

  it('honours --limit', async () => {
    const r = await replayDeadLetters(product.product, { connection: asOwner(), lock: product.lock, dryRun: true, limit: 2 });
    expect(r.examined).toBe(2);
    expect(r.remaining).toBe(3);
  });

  it('re-produces the dead letters that pass the current contract, reports the rest, deletes nothing, and moves on', async () => {
    const before = await mainOffsets();
    const r = await replayDeadLetters(product.product, { connection: asOwner(), lock: product.lock });
    expect(r.replayed).toHaveLength(4);
    expect(r.stillFailing).toHaveLength(1);
    expect(await mainOffsets()).toBe(before + 4);
    const dlq = await mesh.admin.withAdmin((a) => a.topicOffsets(product.compiled.deadLetterTopic));
    expect(dlq.reduce((n, o) => n + Number(o.high), 0)).toBe(5); // nothing re-dead-lettered, nothing deleted
    const main = await readTopic(mesh.admin, product.compiled.topic, before + 4);
    const replayed = main.filter((m) => m.headers[REPLAYED_FROM_HEADER]);
    expect(replayed).toHaveLength(4);
    expect(replayed.map((m) => m.key?.toString()).sort()).toEqual([1, 2, 3, 5].map((i) => record(i, '').paymentId).sort());
    expect(replayed.every((m) => m.headers[REPLAYED_FROM_HEADER].toString().startsWith(`${product.compiled.deadLetterTopic}/`))).toBe(true);
    // The next replay starts after what this one examined.
    const again = await replayDeadLetters(product.product, { connection: asOwner(), lock: product.lock });
    expect(again.examined).toBe(0);
  });

  it('lists the dead letters of a pii product by key and reason: they carry no value to replay', async () => {
    expect(pii.compiled.classification).toBe('pii');
    const id = '00000000-0000-4000-8000-00000000abcd';
    const producer = await createProducer(pii.product, { connection: mesh.kafkaAs(pii.compiled.producer.principal), lock: pii.lock });
    const [r] = await producer.sendBatch([{ customerId: id, email: 'not an address', fullName: 'Ada Lovelace', tier: 'GOLD', marketingOptIn: true, updatedAt: '2026-01-01T00:00:00Z' }]);
    await producer.close();
    expect(r.status).toBe('dead-lettered');
    const [letter] = await readTopic(mesh.admin, pii.compiled.deadLetterTopic, 1);
    expect(letter.value).toBeNull();
    expect(JSON.stringify(Object.fromEntries(Object.entries(letter.headers).map(([k, v]) => [k, v.toString()])))).not.toContain('Ada Lovelace');
    const report = await replayDeadLetters(pii.product, { connection: mesh.kafkaAs(pii.compiled.owner.principal!), lock: pii.lock });
    expect(report.replayed).toEqual([]);
    expect(report.withoutValue).toEqual([expect.objectContaining({ key: id, reason: 'the record does not satisfy the contract' })]);
    const text = formatReplayReport(report).join('\n');
    expect(text).toContain(`key ${id}`);
    expect(text).toMatch(/the producer must send these keys again/);
    expect(text).not.toContain('Ada Lovelace');
  });

  it('refuses to replay for a contract that does not opt in, naming the fix; a dry run is allowed', async () => {
    await expect(replayDeadLetters(noReplay.product, { connection: mesh.kafkaAs(noReplay.compiled.owner.principal!), lock: noReplay.lock })).rejects.toThrow(/does not let its owner replay dead letters .*set owner: \{ …, replay: true \}/);
    const r = await replayDeadLetters(noReplay.product, { connection: mesh.kafkaAs(noReplay.compiled.owner.principal!), lock: noReplay.lock, dryRun: true });
    expect(r.examined).toBe(0);
  });
});
