/**
 * One door to the Kafka client: only runtime/kafka.ts imports the client
 * library; the runtime and the local mesh import no CDK framework.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { importsOf } from '../support/imports';
import { isLiveMeshPath } from '../support/live-mesh-guard';

const root = join(__dirname, '..', '..');
const CLIENT = /^(kafkajs|@confluentinc\/kafka-javascript|node-rdkafka|@platformatic\/kafka)(\/|$)/;
const FRAMEWORK = /^(cdktf|cdktn|constructs|@cdktf\/|@cdktn\/)|(^|\/)\.gen(\/|$)|(^|\/)(constructs)(\/|$)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    // The live mesh's products, locks and migrations are the mesh's content, not code (and toolkit tests never read them).
    if (isLiveMeshPath(p)) return [];
    if (e.isDirectory()) return e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'cdktf.out' ? [] : sources(p);
    return /\.(ts|mjs|js)$/.test(e.name) ? [p] : [];
  });
}

describe('the Kafka client door', () => {
  it('recognises a client import (the check can fail)', () => {
    expect(importsOf("import { Kafka } from 'kafkajs';").some((s) => CLIENT.test(s))).toBe(true);
  });

  it('is runtime/kafka.ts alone: no other file imports the Kafka client library', () => {
    const offenders: string[] = [];
    for (const dir of ['runtime', 'local-mesh', 'scripts', 'stacks', 'contracts', 'constructs', 'functions', 'test', 'bench']) {
      for (const file of sources(join(root, dir))) {
        const rel = relative(root, file);
        if (rel === join('runtime', 'kafka.ts') || rel === relative(root, __filename)) continue;
        for (const spec of importsOf(readFileSync(file, 'utf8'))) if (CLIENT.test(spec)) offenders.push(`${rel} imports '${spec}'`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('keeps the runtime and the local mesh free of the CDK framework', () => {
    const offenders: string[] = [];
    for (const dir of ['runtime', 'local-mesh']) {
      for (const file of sources(join(root, dir))) {
        for (const spec of importsOf(readFileSync(file, 'utf8'))) if (FRAMEWORK.test(spec)) offenders.push(`${relative(root, file)} imports '${spec}'`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
