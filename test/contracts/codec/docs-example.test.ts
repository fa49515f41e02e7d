/**
 * The codec's usage example runs as written — docs/codec-and-dead-letters.md's (producer and consumer; the README's
 * too, when it shows one) — on a valid
 * record and on the records a producer dead-letters (whose key is undefined, a number, null or an object: the
 * example calls encodeKey on exactly those). The products and locks it imports are mapped to the fixture contracts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import * as lockStore from '../../../contracts/lock/lock-store';
import { FIXTURE_LOCKS, FIXTURE_PRODUCTS } from '../../helpers';

const ROOT = join(__dirname, '..', '..', '..');

/** The ```ts blocks of a Markdown file that use the codec. */
function examples(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => code.includes('createCodec(') && code.includes('codec.encodeKey(event)'));
}

interface Sent {
  readonly topic?: string;
  readonly key: unknown;
  readonly value: unknown;
  readonly headers?: Record<string, unknown>;
}

/** Runs an example as CommonJS with the globals it expects; returns what it sent and handled. */
function run(code: string, globals: Record<string, unknown>): { sent: Sent[]; handled: unknown[] } {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const sent: Sent[] = [];
  const handled: unknown[] = [];
  const requireFor = (spec: string): unknown => {
    if (spec === './contracts') return require(join(ROOT, 'contracts'));
    if (spec === './contracts/lock/lock-store') return { ...lockStore, readLocks: (dir: string, root?: string) => lockStore.readLocks(dir === 'contracts/locks' ? FIXTURE_LOCKS : dir, root) };
    if (spec.startsWith('./contracts/products/')) return require(join(FIXTURE_PRODUCTS, spec.slice('./contracts/products/'.length)));
    throw new Error(`the example imports ${spec}, which this test does not map`);
  };
  const scope = { producer: { send: (r: Sent) => sent.push(r) }, handle: (v: unknown) => handled.push(v), ...globals };
  const names = Object.keys(scope);
  new Function('require', 'exports', ...names, js)(requireFor, {}, ...names.map((n) => (scope as Record<string, unknown>)[n]));
  return { sent, handled };
}

const event = { paymentId: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', amountMinor: 1250, currency: 'EUR', status: 'CAPTURED', occurredAt: '2026-01-02T03:04:05.678Z', merchantId: 'M-1' };

/** Globals for the consumer half of docs/codec-and-dead-letters.md's example. */
function consumerGlobals(value: Uint8Array | null) {
  return { message: { key: Buffer.from('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), value, headers: { traceparent: '00-abc-01' }, offset: '42' }, topic: 'payments.payment-events.v1', partition: 3 };
}

/** The codec's page must have the example; the README too, if it (still) shows one. */
const sources = [
  ['docs/codec-and-dead-letters.md', examples('docs/codec-and-dead-letters.md')],
  ...(examples('README.md').length ? [['README.md', examples('README.md')] as const] : []),
] as const;

describe.each(sources)('the codec example of %s', (file, blocks) => {
  if (file === 'docs/codec-and-dead-letters.md') it('exists', () => expect(blocks.length).toBeGreaterThan(0));
  it.each(blocks.map((b, i) => [i, b]))('block %i runs as written: a valid record goes to the topic', (_i, code) => {
    const ok = run(code, { event, bytes: new Uint8Array(), ...consumerGlobals(new Uint8Array()) });
    expect(ok.sent[0]).toEqual({ key: Buffer.from('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), value: expect.any(Uint8Array) });
  });
  it.each(blocks.map((b, i) => [i, b]))('block %i runs as written on the records it dead-letters: keys of undefined, 42, null, an object', (_i, code) => {
    for (const key of [undefined, 42, null, { nested: true }]) {
      const bad = { ...event, paymentId: key, amountMinor: -1 };
      let out: ReturnType<typeof run> | undefined;
      expect(() => (out = run(code, { event: bad, bytes: new Uint8Array(), ...consumerGlobals(new Uint8Array()) }))).not.toThrow();
      const dl = out?.sent[0];
      expect(dl?.topic).toBe('payments.payment-events.v1.dlq');
      expect(dl?.headers?.['__rule.mode']).toBe('WRITE');
      expect(dl?.key === null ? null : Buffer.from(dl?.key as Uint8Array).toString()).toBe(key === 42 ? '42' : null);
    }
  });
});

describe('the consumer half of docs/codec-and-dead-letters.md', () => {
  const [code] = examples('docs/codec-and-dead-letters.md');
  it('hands a valid record on and dead-letters undecodable bytes with their source', () => {
    const good = run(code, { event, ...consumerGlobals(null) }); // encode the event to get its bytes
    const bytes = good.sent[0].value as Uint8Array;
    const read = run(code, { event, ...consumerGlobals(bytes) });
    expect(read.handled).toEqual([{ ...event, paymentId: event.paymentId.toLowerCase(), metadata: {} }]);
    const junk = run(code, { event, ...consumerGlobals(Uint8Array.from([0xff, 0xff])) });
    const dl = junk.sent[1];
    expect(dl.topic).toBe('payments.payment-events.v1.dlq');
    expect(dl.headers).toMatchObject({ '__rule.mode': 'READ', 'contract-mesh.source-topic': 'payments.payment-events.v1', 'contract-mesh.source-partition': '3', 'contract-mesh.source-offset': '42', 'contract-mesh.failure-kind': 'malformed', traceparent: '00-abc-01' });
  });
});
