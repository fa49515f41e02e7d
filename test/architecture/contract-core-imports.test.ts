/**
 * The contract core (`contracts/`) must stay free of any framework: it imports
 * nothing from cdktf, cdktn, constructs or any provider binding. Only the
 * construct layer does. This keeps the core portable (cdktf was archived in
 * December 2025; CDK Terrain is its fork) and testable without synthesizing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { importsOf } from '../support/imports';
import { isLiveMeshPath } from '../support/live-mesh-guard';

const root = join(__dirname, '..', '..');
const FORBIDDEN = /^(cdktf|cdktn|constructs|@cdktf\/|@cdktn\/)|(^|\/)\.gen(\/|$)|(^|\/)(constructs|stacks)(\/|$)/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    // The live mesh's products are the mesh's content, not the core (and toolkit tests never read them).
    if (isLiveMeshPath(p)) return [];
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('the contract core', () => {
  it('finds the imports it checks (the checker itself can fail)', () => {
    expect(importsOf("import { App } from 'cdktf';\nexport * from '../constructs/x';\nconst y = require('constructs');")).toEqual([
      'cdktf',
      '../constructs/x',
      'constructs',
    ]);
    expect(importsOf("import type { Construct } from 'constructs';").some((s) => FORBIDDEN.test(s))).toBe(true);
    expect(importsOf("import { Topic } from '../../.gen/providers/kafka/topic';").some((s) => FORBIDDEN.test(s))).toBe(true);
    expect(importsOf("import { z } from 'zod';").some((s) => FORBIDDEN.test(s))).toBe(false);
  });

  it('imports nothing from cdktf, constructs, provider bindings or the construct layer', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(join(root, 'contracts'))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (FORBIDDEN.test(spec)) offenders.push(`${relative(root, file)} imports '${spec}'`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
