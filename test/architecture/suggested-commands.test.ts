/**
 * Every `npm run …` that the code suggests — in an error message, a review line, a usage text, a comment, a CI
 * script — works when pasted: it names a real script, and hands its arguments to the script after `--` (without it,
 * npm takes flags such as `--reason` for itself and the script never sees them). The README and docs/ are checked
 * the same way by test/docs/docs.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isLiveMeshPath } from '../support/live-mesh-guard';

const ROOT = join(__dirname, '..', '..');
const SCRIPTS = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
const SCANNED = ['contracts', 'stacks', 'scripts', 'constructs', 'functions', 'bench', 'main.ts', '.ci', '.github'];

/** The code files below `path`: not the live mesh's contracts (data, not code), not build output. */
function files(path: string): string[] {
  const full = join(ROOT, path);
  if (isLiveMeshPath(full)) return [];
  if (statSync(full).isFile()) return [full];
  return readdirSync(full).flatMap((e) => (['node_modules', '.work'].includes(e) ? [] : files(join(path, e))));
}

/** Every suggested command: its file, the script it names and the first word after the script. */
export function suggestedCommands(text: string): Array<{ script: string; next: string; command: string }> {
  const out: Array<{ script: string; next: string; command: string }> = [];
  // npm's own flags may come before the script (`npm run --silent synth`).
  for (const m of text.matchAll(/npm run (?:--?[a-z-]+ )*([a-z][\w-]*(?::[\w-]+)*)(?:[ \t]+([^\s`]+))?/g)) {
    out.push({ script: m[1], next: m[2] ?? '', command: m[0] });
  }
  return out;
}

/** A word that is an argument for the script (a flag, a placeholder, an id, a path), not the prose around the command. */
const ARGUMENT = /^(-(?!-$)|<|\$\{|"|\[(?!--)|[a-z0-9._-]*[/@])/;

describe('suggested commands', () => {
  const found = SCANNED.flatMap((p) => files(p).filter((f) => /\.(ts|sh|yml)$|\/run$/.test(f)).flatMap((f) => suggestedCommands(readFileSync(f, 'utf8')).map((c) => ({ ...c, file: relative(ROOT, f) }))));

  it('finds the commands (the scan works)', () => {
    expect(found.some((c) => c.script === 'contracts:retire' && c.next === '--')).toBe(true);
    expect(found.some((c) => c.script === 'contracts:lock')).toBe(true);
  });

  it('fails if a suggested command names no script of package.json', () => {
    expect(found.filter((c) => !SCRIPTS.includes(c.script)).map((c) => `${c.file}: ${c.command}`)).toEqual([]);
  });

  it('fails if a suggested command passes arguments without `--` before them', () => {
    expect(found.filter((c) => ARGUMENT.test(c.next)).map((c) => `${c.file}: ${c.command}`)).toEqual([]);
  });

  it('tells an argument from prose', () => {
    const next = (t: string) => suggestedCommands(t).map((c) => ARGUMENT.test(c.next));
    expect(next('run `npm run contracts:retire payments/x@v1 --reason "…"`')).toEqual([true]);
    expect(next('npm run contracts:retire ${id} --reason')).toEqual([true]);
    expect(next('npm run review --base x')).toEqual([true]);
    expect(next('npm run contracts:retire -- payments/x@v1 --reason "…"')).toEqual([false]);
    expect(next('npm run review [-- --base <cdktf.out>]')).toEqual([false]);
    expect(next('run npm run contracts:lock first, then npm run synth.')).toEqual([false, false]);
  });
});
