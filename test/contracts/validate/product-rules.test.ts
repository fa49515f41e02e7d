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

  describe('ranges of retention and throughput (docs/data-safety.md)', () => {
    const one = (overrides: Record<string, unknown>) => {
      const problems = problemsOf(overrides);
      expect(problems).toHaveLength(1);
      return problems[0];
    };
    it('holds at the ends of every range', () => {
      for (const retention of [{ hours: 1 }, { hours: 87_600 }, { days: 1 }, { days: 3650 }]) expect(problemsOf({ retention })).toEqual([]);
      expect(problemsOf({ throughput: { peakMessagesPerSecond: 1_000_000, averageMessageBytes: 8 * 1024 * 1024 } })).toEqual([]);
      expect(problemsOf({ throughput: { peakMessagesPerSecond: 0.01, averageMessageBytes: 1 } })).toEqual([]);
    });
    it('fails if retention is shorter than an hour, with the allowed range', () => {
      const p = one({ retention: { hours: 0.001 } });
      expect(p).toMatchObject({ field: 'retention.hours', message: 'retention.hours must be a whole number of hours from 1 to 87,600 (10 years), got 0.001.' });
      expect(p.fix).toMatch(/at least 1 hour/);
    });
    it('fails if retention is longer than ten years or not whole', () => {
      expect(one({ retention: { days: 36_500 } }).message).toMatch(/from 1 to 3,650 \(10 years\), got 36,500/);
      expect(one({ retention: { days: 1.5 } }).fix).toMatch(/whole days .* or whole hours/);
    });
    it('fails if the peak rate is absurd, with the allowed range and the number formatted', () => {
      const p = one({ throughput: { peakMessagesPerSecond: 1e12, averageMessageBytes: 400 } });
      expect(p).toMatchObject({ field: 'throughput.peakMessagesPerSecond', message: 'throughput.peakMessagesPerSecond must be more than 0 and at most 1,000,000 msg/s, got 1,000,000,000,000.' });
    });
    it('fails if the average record is larger than any topic may accept', () => {
      const p = one({ throughput: { peakMessagesPerSecond: 10, averageMessageBytes: 5e9 } });
      expect(p.message).toBe('throughput.averageMessageBytes must be from 1 B to 8,388,608 B (8 MiB, the largest max.message.bytes a topic may have on MSK), got 5,000,000,000.');
    });
    it('fails if the average record is larger than the schema can ever encode, naming the bound', () => {
      const schema = z.object({ paymentId: z.uuid(), amountMinor: z.int().nonnegative(), note: z.string().max(10) });
      const p = one({ schema, throughput: { peakMessagesPerSecond: 10, averageMessageBytes: 5000 } });
      expect(p.field).toBe('throughput.averageMessageBytes');
      expect(p.message).toMatch(/^throughput\.averageMessageBytes must be from 1 to 1\d\d B: no record of this schema can be larger .*got 5,000\.$/);
      const bound = Number(/to (\d+) B/.exec(p.message)?.[1]);
      expect(problemsOf({ schema, throughput: { peakMessagesPerSecond: 10, averageMessageBytes: bound } })).toEqual([]);
    });
    it('does not judge the size against a schema it could not read whole', () => {
      expect(fields({ schema: z.object({ paymentId: z.uuid(), blob: z.any() }), throughput: { peakMessagesPerSecond: 10, averageMessageBytes: 5000 } })).toEqual(['schema.blob']);
    });
  });

  it('suggests a name without accents or foreign characters, not one with hyphens in their place', () => {
    expect(problemsOf({ domain: 'lógistics' })[0].fix).toBe('use lower-case letters, digits and hyphens, starting with a letter, e.g. "logistics".');
    expect(problemsOf({ name: 'Zahlungs Ereignisse' })[0].fix).toMatch(/e\.g\. "zahlungs-ereignisse"/);
    expect(problemsOf({ domain: 'платежи' })[0].fix).toMatch(/e\.g\. "payments"/);
  });

  it('refuses a wildcard principal without suggesting "User:-"', () => {
    const [p] = problemsOf({ producer: { principal: 'User:*' } });
    expect(p.message).toMatch(/is a wildcard: it would stand for every Kafka user/);
    expect(p.fix).toBe('name the one service, e.g. "User:service-name"; list each service that reads as a consumer of its own.');
    expect(problemsOf({ producer: { principal: 'User:zahlungs dienst' } })[0].fix).toMatch(/^write it as "User:zahlungs-dienst"/);
    expect(problemsOf({ producer: { principal: 'User:dienst-ü' } })[0].fix).toMatch(/^write it as "User:dienst-u"/);
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
