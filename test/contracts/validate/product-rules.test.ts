import { z } from 'zod';
import { problemsOf, spec } from '../../helpers';

/** The fields named by the problems of a contract. */
const fields = (overrides: Record<string, unknown>) => problemsOf(overrides).map((p) => p.field);

describe('contract validation', () => {
  it('accepts the reference contract', () => {
    expect(problemsOf()).toEqual([]);
  });

  it.each([
    ['domain', ''],
    ['domain', 'Payments'],
    ['domain', 'pay_ments'],
    ['domain', '1payments'],
    ['domain', 'a'.repeat(25)],
    ['name', undefined],
    ['name', 'payment events'],
    ['name', 'p'.repeat(33)],
  ])('fails if %s is empty or malformed (%p)', (field, value) => {
    const problems = problemsOf({ [field]: value });
    expect(problems.map((p) => p.field)).toContain(field);
    expect(problems.find((p) => p.field === field)!.fix).toMatch(/\S/);
  });

  it.each([0, -1, 1.5, '1', undefined, 1000])('fails if version is not a positive integer (%p)', (version) => {
    expect(fields({ version })).toEqual(['version']);
  });

  it('fails if the key is missing from the schema, and suggests the closest field', () => {
    const [p] = problemsOf({ key: 'paymentID' });
    expect(p.field).toBe('key');
    expect(p.message).toMatch(/"paymentID" is not a field of the schema \(fields: paymentId, amountMinor/);
    expect(p.fix).toMatch(/did you mean "paymentId"/);
  });

  it('fails if the key is optional', () => {
    const [p] = problemsOf({ key: 'metadata', schema: z.object({ metadata: z.string().optional() }) });
    expect(p).toMatchObject({ field: 'key', message: expect.stringMatching(/optional/) });
  });

  it.each([
    ['an object', z.object({ a: z.string() })],
    ['an array', z.array(z.string())],
    ['a record', z.record(z.string(), z.string())],
    ['a double', z.number()],
  ])('fails if the key is not a scalar (%s)', (_label, type) => {
    const [p] = problemsOf({ key: 'k', schema: z.object({ k: type }) });
    expect(p).toMatchObject({ field: 'key', message: expect.stringMatching(/not a scalar/) });
  });

  it.each([
    [{ days: 0 }, 'retention.days'],
    [{ hours: -3 }, 'retention.hours'],
    [{ days: Number.NaN }, 'retention.days'],
    [{ days: 1, hours: 2 }, 'retention'],
    [{ weeks: 1 }, 'retention'],
    [undefined, 'retention'],
  ])('fails if retention is not positive or malformed (%p)', (retention, field) => {
    expect(fields({ retention })).toEqual([field]);
  });

  it.each([
    [{ peakMessagesPerSecond: 0, averageMessageBytes: 400 }, ['throughput.peakMessagesPerSecond']],
    [{ peakMessagesPerSecond: 10, averageMessageBytes: -1 }, ['throughput.averageMessageBytes']],
    [{ peakMessagesPerSecond: '10', averageMessageBytes: 0 }, ['throughput.peakMessagesPerSecond', 'throughput.averageMessageBytes']],
    [undefined, ['throughput']],
  ])('fails if throughput is not positive (%p)', (throughput, expected) => {
    expect(fields({ throughput })).toEqual(expected);
  });

  it('fails if two consumers share a name', () => {
    const problems = problemsOf({
      consumers: [
        { name: 'ledger', principal: 'User:a' },
        { name: 'ledger', principal: 'User:b' },
      ],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'consumers[1].name', message: expect.stringMatching(/used twice \(consumers\[0\] and consumers\[1\]\)/) });
  });

  it.each([
    ['producer.principal', { producer: { principal: 'payments-api' } }],
    ['producer.principal', { producer: { principal: 'Group:payments' } }],
    ['producer.principal', { producer: { principal: 'User:*' } }],
    ['owner.principal', { owner: { team: 't', contact: 'c@example.com', principal: 'User:' } }],
    ['consumers[0].principal', { consumers: [{ name: 'ledger', principal: 'ledger-sink' }] }],
  ])('fails if a principal is not User:<name> (%s)', (field, overrides) => {
    const problems = problemsOf(overrides);
    expect(problems.map((p) => p.field)).toEqual([field]);
    expect(problems[0].fix).toMatch(/User:/);
  });

  it('accepts owner.replay with an owner principal, and refuses it without one or when it is not a boolean', () => {
    expect(problemsOf({ owner: { team: 't', contact: 'c@example.com', principal: 'User:oncall', replay: true } })).toEqual([]);
    const [missing] = problemsOf({ owner: { team: 't', contact: 'c@example.com', replay: true } });
    expect(missing).toMatchObject({ field: 'owner.replay', message: expect.stringMatching(/owner\.principal is not set/), fix: expect.stringMatching(/owner\.principal: 'User:/) });
    expect(fields({ owner: { team: 't', contact: 'c@example.com', principal: 'User:oncall', replay: 'yes' } })).toEqual(['owner.replay']);
  });

  it('fails if a consumer name is malformed, too long or reserved', () => {
    expect(fields({ consumers: [{ name: 'Ledger', principal: 'User:l' }] })).toEqual(['consumers[0].name']);
    expect(fields({ consumers: [{ name: 'x'.repeat(21), principal: 'User:l' }] })).toEqual(['consumers[0].name']);
    expect(fields({ consumers: [{ name: 'dlq', principal: 'User:l' }] })).toEqual(['consumers[0].name']);
  });

  it('fails if a Zod type cannot be carried, naming the field', () => {
    const problems = problemsOf({
      schema: z.object({ paymentId: z.uuid(), blob: z.any(), when: z.date(), later: z.promise(z.string()) }),
    });
    expect(problems.map((p) => p.field)).toEqual(['schema.blob', 'schema.when', 'schema.later']);
  });

  it('fails if the domain would take the platform stack name', () => {
    const [p] = problemsOf({ domain: 'platform' });
    expect(p).toMatchObject({ field: 'domain', message: expect.stringMatching(/reserved/) });
  });

  it('fails if kind, classification or compatibility are not known values', () => {
    expect(fields({ kind: 'stream', classification: 'secret', compatibility: 'BACKWARDS' })).toEqual(['kind', 'classification', 'compatibility']);
  });

  it('fails if a setting is misspelt, and suggests the right one', () => {
    const [p] = problemsOf({ retension: { days: 1 } });
    expect(p).toMatchObject({ field: 'retension', fix: 'did you mean "retention"?' });
  });

  it('fails if required settings are missing', () => {
    expect(fields({ description: ' ', owner: undefined, producer: undefined })).toEqual(['description', 'owner', 'producer']);
  });

  it('reports every problem of a contract at once', () => {
    const problems = problemsOf({ domain: 'Bad', version: 0, key: 'nope', retention: { days: -1 }, schema: spec().schema });
    expect(problems.map((p) => p.field)).toEqual(['domain', 'version', 'key', 'retention.days']);
    for (const p of problems) expect(p.product).toMatch(/^Bad\/payment-events@v0$/);
  });
});
