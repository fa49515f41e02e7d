/** The evolution gate against the corpus, under every mode, and against the real `buf breaking` (WIRE_JSON). */
import { rmSync } from 'node:fs';
import { COMPATIBILITIES, type Compatibility } from '../../../contracts/dsl/data-product';
import type { ContractVersion } from '../../../contracts/evolution/diff';
import { diffContracts } from '../../../contracts/evolution/diff';
import { gateProblems, nextMajorFile, rejectedChanges } from '../../../contracts/evolution/gate';
import { numberShape, type Numbering } from '../../../contracts/proto/numbering';
import { generateProto } from '../../../contracts/proto/print-proto';
import { shapeOf } from '../../../contracts/schema/shape';
import { buf, writeTree, writeFiles } from '../../support/buf';
import { CASES, type EvolutionCase } from './corpus';

function versionsOf(c: EvolutionCase): ContractVersion[] {
  return c.chain.map((step) => {
    const { shape, problems } = shapeOf(step.schema);
    if (problems.length) throw new Error(`${c.name}: ${JSON.stringify(problems)}`);
    return { key: step.key ?? 'id', kind: step.kind ?? 'event', shape };
  });
}

function verdict(c: EvolutionCase, mode: Compatibility): boolean {
  const v = versionsOf(c);
  return rejectedChanges(mode, v.slice(0, -1), v[v.length - 1]).length === 0;
}

const subject = (mode: Compatibility) => ({ id: 'payments/payment-events@v1', domain: 'payments', name: 'payment-events', version: 1, compatibility: mode, source: 'contracts/products/payments/payment-events.ts' });

describe('the evolution corpus', () => {
  it('has at least 30 cases, with distinct names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it.each(COMPATIBILITIES.map((m) => [m] as const))(`under %s`, (mode) => {
      expect(verdict(c, mode)).toBe(c.accepts.includes(mode));
    });
  });
});

describe('messages', () => {
  const v = versionsOf({ name: 'x', accepts: [], chain: [
    { schema: shapeSchema({ id: 'uuid', st: ['A', 'B'] }) },
    { schema: shapeSchema({ id: 'uuid', st: ['A'] }) },
  ] });
  it('one per breaking change, naming the product, the path, who breaks and the remedy', () => {
    const problems = gateProblems(subject('BACKWARD'), v.slice(0, 1), v[1]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ product: 'payments/payment-events@v1', field: 'schema.st' });
    expect(problems[0].message).toMatch(/enum value "B" was removed; under BACKWARD compatibility \(transitive\) this is breaking: .*consumers of old data break/);
    expect(problems[0].fix).toMatch(/keep enum value "B"; or declare the next major version as a new contract file beside this one \(contracts\/products\/payments\/payment-events\.v2\.ts with version: 2\), which creates the new topic payments\.payment-events\.v2/);
  });
  it('says "old consumers of new data" for a FORWARD break', () => {
    const problems = gateProblems(subject('FORWARD'), v.slice(1), v[0]);
    expect(problems[0].message).toMatch(/enum value "B" was added.*old consumers of new data break/);
  });
  it('names the shape of the history a change breaks against', () => {
    const c = CASES.find((x) => x.name.startsWith('chain: optional field removed then re-added'))!;
    const vs = versionsOf(c);
    const problems = gateProblems(subject('BACKWARD'), vs.slice(0, -1), vs[vs.length - 1]);
    expect(problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/became required \(against accepted shape #1 of 2/)]));
  });
  it('fails if NONE lets a key change through', () => {
    const c = CASES.find((x) => x.name === 'key changed')!;
    const vs = versionsOf(c);
    expect(gateProblems(subject('NONE'), vs.slice(0, 1), vs[1])[0].message).toMatch(/the key changed from "id" to "other".*within a major version/);
  });
  it('the next major file sits beside the current one', () => {
    expect(nextMajorFile(subject('NONE'))).toBe('contracts/products/payments/payment-events.v2.ts');
    expect(nextMajorFile({ ...subject('NONE'), source: undefined })).toBe('contracts/products/payments/payment-events.v2.ts');
  });
  it('classifies a nested change with its path', () => {
    const c = CASES.find((x) => x.name === 'array item required field added')!;
    const vs = versionsOf(c);
    expect(diffContracts(vs[0], vs[1])).toEqual([expect.objectContaining({ kind: 'field-added', path: 'schema.lines[].qty', required: true })]);
  });
});

/** A tiny schema builder for message tests. */
function shapeSchema(fields: Record<string, 'uuid' | string[]>) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { z } = require('../../../contracts/index') as typeof import('../../../contracts/index');
  return z.object(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === 'uuid' ? z.uuid() : z.enum(v as [string, ...string[]])])));
}

describe('at least as strict as buf breaking (WIRE_JSON)', () => {
  const config = JSON.stringify({ version: 'v1', breaking: { use: ['WIRE_JSON'] } });
  const root = writeTree([], 'contract-mesh-breaking-');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // Every case's oldest and newest proto (numbered through the whole chain) in a package of its own
  // (`case_<i>.payment_events.v1`), so that one `buf breaking` run judges the whole corpus.
  const wireCases: Array<{ c: EvolutionCase; file: string }> = [];
  CASES.forEach((c, i) => {
    const vs = versionsOf(c);
    let numbering: Numbering | undefined;
    const protos = vs.map((v) => {
      numbering = numberShape(v.shape, numbering);
      const r = generateProto({ domain: `case-${i}`, name: 'payment-events', version: 1, shape: v.shape }, numbering);
      if (!r.proto) throw new Error(`${c.name}: ${JSON.stringify(r.problems)}`);
      return r.proto;
    });
    const first = protos[0];
    const last = protos[protos.length - 1];
    if (first.text === last.text) return;
    writeFiles(root, [{ path: `old/${first.file}`, content: first.text }, { path: `new/${last.file}`, content: last.text }]);
    wireCases.push({ c, file: `new/${last.file}` });
  });

  let findings: Array<{ path: string; type: string; message: string }> = [];
  beforeAll(() => {
    const r = buf(['breaking', 'new', '--against', 'old', '--config', config, '--error-format', 'json'], root);
    findings = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { path: string; type: string; message: string });
    if (r.status !== 0 && findings.length === 0) throw new Error(`buf failed: ${r.stderr}`);
    if (process.env.SHOW_BUF) console.log(r.stdout, r.stderr);
  });

  it('covers most of the corpus', () => {
    expect(wireCases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(wireCases.map((w) => [w.c.name, w] as const))('%s', (_name, { c, file }) => {
    const rules = findings.filter((f) => f.path === file).map((f) => f.type);
    if (rules.length === 0) return; // buf accepts: any verdict of ours is at least as strict
    for (const mode of ['BACKWARD', 'FORWARD', 'FULL'] as const) {
      expect({ mode, rules, accepted: verdict(c, mode) }).toEqual({ mode, rules, accepted: false });
    }
  });

  it('fails if buf breaking cannot fail (a field type change is caught)', () => {
    const w = wireCases.find((x) => x.c.name === 'int → string')!;
    expect(findings.filter((f) => f.path === w.file).map((f) => f.type)).toEqual([expect.stringMatching(/^FIELD_WIRE_(JSON_)?COMPATIBLE_TYPE$/)]);
  });

  it('accepts a removed field whose number and name are reserved (the generated proto reserves them)', () => {
    const w = wireCases.find((x) => x.c.name === 'required field removed')!;
    expect(findings.filter((f) => f.path === w.file)).toEqual([]);
  });
});
