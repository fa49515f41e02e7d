import { normaliseProductId, parseRetirements, withRetirement } from '../../../contracts/retire/retired';

describe('retirements', () => {
  it('normalises ids and keeps the list sorted, one entry per id', () => {
    expect(normaliseProductId('payments/refund-events@1')).toBe('payments/refund-events@v1');
    expect(normaliseProductId(' orders/order-state@v12 ')).toBe('orders/order-state@v12');
    const list = withRetirement(withRetirement([], { id: 'z/a@v1', reason: 'gone for good', by: 'a' }), { id: 'a/b@v2', reason: 'moved to v3', by: 'b' });
    expect(list.map((r) => r.id)).toEqual(['a/b@v2', 'z/a@v1']);
  });
  it('fails if an id is malformed or a reason is missing, naming the entry', () => {
    expect(normaliseProductId('Payments/refunds')).toBeUndefined();
    expect(() => parseRetirements('[{"id":"payments/refunds","reason":"long enough reason"}]')).toThrow(/\[0\]: id "payments\/refunds" is not <domain>\/<name>@v<version>/);
    expect(() => parseRetirements('[{"id":"payments/refunds@1","reason":"no"}]')).toThrow(/payments\/refunds@v1.*reason of at least 10/);
    expect(() => parseRetirements('{ not json')).toThrow(/not valid JSON/);
  });
});

describe('synth with a broken contracts/retired.json', () => {
  it('fails with a problem naming the file, and writes nothing', () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { mkdtempSync, writeFileSync, existsSync } = require('node:fs') as typeof import('node:fs');
    const { join, resolve } = require('node:path') as typeof import('node:path');
    const { tmpdir } = require('node:os') as typeof import('node:os');
    const { synthesizeMesh } = require('../../../stacks/app') as typeof import('../../../stacks/app');
    const { fixtureSynth } = require('../../helpers') as typeof import('../../helpers');
    const work = mkdtempSync(join(tmpdir(), 'retired-broken-'));
    writeFileSync(join(work, 'retired.json'), '[{"id":"payments","reason":"x"}]');
    const errors: string[] = [];
    const root = resolve(__dirname, '../../..');
    const outdir = join(work, 'cdktf.out');
    expect(synthesizeMesh({ ...fixtureSynth(), root, outdir, retiredFile: join(work, 'retired.json'), log: { info: () => undefined, error: (m) => errors.push(m) } })).toBe(1);
    expect(errors.join('\n')).toMatch(/retired\.json: \(file\): .*retired\.json\[0\]: id "payments" is not <domain>\/<name>@v<version>/);
    expect(existsSync(outdir)).toBe(false);
  });
});
