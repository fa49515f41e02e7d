/**
 * docs/runtime.md's example, as written, from a fresh copy of the project (the
 * fixture contracts in place of the live ones): `npm run mesh:up`, `synth`,
 * `mesh:apply`, the page's `produce.ts`, `npm run sink` until the rows are in,
 * `npm run dlq:replay -- … --dry-run`, `mesh:down` — every command a child
 * process, every runtime component as its own principal with only the ACLs
 * the local stacks synthesize (applied by mesh:apply). The example's own
 * broker (mesh:up) is also restarted while a producer sends: nothing is lost,
 * nothing duplicated.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../local-mesh/broker';
import { kafkaOptions, readConnection } from '../../local-mesh/connection';
import { connectKafka } from '../../runtime/kafka';
import { createProducer } from '../../runtime/producer';
import { describeBroker } from '../support/broker';
import { FIXTURES } from '../helpers';
import { eventually } from '../support/runtime-mesh';

const ROOT = join(__dirname, '..', '..');
const page = readFileSync(join(ROOT, 'docs', 'runtime.md'), 'utf8');
/** The commands of "Try it on the local mesh" (the first sh block), without comments. */
const commands = (/```sh\n([\s\S]*?)```/.exec(page)?.[1] ?? '').split('\n').map((l) => ({ line: l.replace(/\s+#.*$/, '').trim(), comment: /#(.*)$/.exec(l)?.[1] ?? '' })).filter((c) => c.line);
/** The page's producer (the ts block that creates one). */
const produceTs = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((code) => code.includes('createProducer(') && code.includes('main()')) ?? '';
const LIVE = /^contracts\/(products|locks|migrations)\/|^contracts\/retired\.json$/;

describeBroker('docs/runtime.md, run as written', (broker) => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];

  const sh = (line: string, timeoutMs = 300_000): SpawnSyncReturns<string> => {
    const [cmd, ...args] = line.split(/\s+/);
    const t0 = Date.now();
    const r = spawnSync(cmd, args, { cwd: work, env, encoding: 'utf8', timeout: timeoutMs });
    outputs.push(`$ ${line} (${Date.now() - t0} ms)\n${r.stdout}${r.stderr}`);
    return r;
  };

  beforeAll(() => {
    // A fresh copy: the project's files (git's list; the live contracts left out), the fixture contracts, node_modules linked.
    work = mkdtempSync(join(tmpdir(), 'contract-mesh-runtime-docs-'));
    const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter((f) => f && !LIVE.test(f));
    for (const f of files) {
      mkdirSync(dirname(join(work, f)), { recursive: true });
      cpSync(join(ROOT, f), join(work, f));
    }
    for (const part of ['products', 'locks', 'migrations']) cpSync(join(FIXTURES, part), join(work, 'contracts', part), { recursive: true });
    cpSync(join(FIXTURES, 'retired.json'), join(work, 'contracts', 'retired.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    writeFileSync(join(work, 'produce.ts'), produceTs);
  });

  afterAll(() => {
    if (!work) return;
    if (process.env.RUNTIME_DOCS_DEBUG) console.log(outputs.join('\n'));
    sh('npm run mesh:down');
    rmSync(work, { recursive: true, force: true });
  });

  it('is there to run: commands from mesh:up to mesh:down, and the producer', () => {
    expect(commands.map((c) => c.line)).toEqual([
      'npm ci',
      'npm run mesh:up',
      'npm run synth',
      'npm run mesh:apply',
      'npx tsx produce.ts',
      'npm run sink -- payments/payment-events@v1 ledger',
      'npm run dlq:replay -- payments/payment-events@v1 --dry-run',
      'npm run mesh:down',
    ]);
    expect(produceTs).toContain("from './runtime/producer'");
  });

  it('works as written', async () => {
    env = { ...process.env, MESH_KAFKA_PORT: String(await freePort()), MESH_POSTGRES_PORT: String(await freePort()) };
    delete env.MESH_TEST_BROKER;
    let produced = '';
    let replay = '';
    for (const { line, comment } of commands) {
      if (line === 'npm ci') continue; // node_modules is linked: the copy has this checkout's
      if (line === 'npm run mesh:down') continue; // after the restart below, and in afterAll
      if (/until Ctrl-C/.test(comment)) {
        // The sink runs until Ctrl-C: stop it once the valid records are rows.
        // Its own process group, as a terminal's foreground job: Ctrl-C reaches npm and the script it runs.
        const child = spawn(line.split(/\s+/)[0], line.split(/\s+/).slice(1), { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        const exit = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
        const c = readConnection(join(work, '.mesh', 'local', 'connection.json'));
        const db = new Client({ connectionString: c.postgres.url });
        await db.connect();
        try {
          await eventually('the 3 valid payments as rows', async () => Number((await db.query('SELECT count(*) AS n FROM payments.payment_events_v1__ledger')).rows[0].n) === 3, 120_000).catch((err: Error) => {
            throw new Error(`${err.message}\n${out}`);
          });
        } finally {
          await db.end();
          // npm runs the script in a child of its own: interrupt the whole group as a terminal's Ctrl-C does.
          process.kill(-(child.pid as number), 'SIGINT');
        }
        // npm re-raises the SIGINT it got once its script ended (a shell shows 130); the sink itself stopped cleanly.
        expect([{ code: 0, signal: null }, { code: null, signal: 'SIGINT' }]).toContainEqual(await exit);
        expect(out).toMatch(/SIGINT: finishing the in-flight work, committing and leaving group/);
        expect(out).toMatch(/stopped: committed and left group payments\.payment-events\.v1\.ledger/);
        expect(out).toMatch(/joined group payments\.payment-events\.v1\.ledger on payments\.payment-events\.v1 as User:ledger-sink/);
        outputs.push(`$ ${line}\n${out}`);
        continue;
      }
      const r = sh(line);
      if (r.status !== 0) throw new Error(`\`${line}\` failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
      if (line.includes('produce.ts')) produced = r.stdout;
      if (line.includes('dlq:replay')) replay = r.stdout;
    }
    expect(produced.match(/^sent to payments\.payment-events\.v1$/gm)).toHaveLength(3);
    expect(produced.match(/^dead-lettered to payments\.payment-events\.v1\.dlq: the record does not satisfy the contract$/gm)).toHaveLength(2);
    expect(replay).toMatch(/payments\/payment-events@v1: 2 dead letter\(s\) of payments\.payment-events\.v1\.dlq examined \(dry run: nothing produced, nothing committed\)/);
    expect(replay).toMatch(/would replay 0 to the topic/);
    expect(replay).toMatch(/2 still fail the contract/);
  }, 600_000);

  it('the example\'s broker restarts (mesh:down, mesh:up) while a producer sends: nothing lost, nothing duplicated', async () => {
    const c = readConnection(join(work, '.mesh', 'local', 'connection.json'));
    // The example's product, as its producer, from the copy's own contracts.
    const { paymentEvents } = require(join(work, 'contracts', 'products', 'payments', 'payment-events')) as typeof import('../fixtures/contracts/products/payments/payment-events');
    const lock = JSON.parse(readFileSync(join(work, 'contracts', 'locks', 'payments', 'payment-events.v1.lock.json'), 'utf8'));
    const producer = await createProducer(paymentEvents, { connection: kafkaOptions(c, 'User:payments-api'), lock, retries: 20 });
    const admin = connectKafka(kafkaOptions(c));
    const total = () => admin.withAdmin(async (a) => (await a.topicOffsets('payments.payment-events.v1')).reduce((n, o) => n + Number(o.high), 0));
    const before = await total();
    const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    let restart: Promise<void> | undefined;
    let whileDown = 0;
    let down = false;
    try {
      for (let b = 0; b < 12; b++) {
        if (b === 3) {
          down = true;
          const npm = (script: string) =>
            new Promise<void>((resolve, reject) => {
              const child = spawn('npm', ['run', script], { cwd: work, env, stdio: 'ignore' });
              child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run ${script} exited ${code}`))));
            });
          restart = npm('mesh:down').then(() => npm('mesh:up')).then(() => void (down = false));
        }
        if (down) whileDown++;
        const results = await producer.sendBatch(Array.from({ length: 10 }, (_, k) => ({ paymentId: id(b * 10 + k), amountMinor: k, currency: 'EUR', status: 'AUTHORIZED', occurredAt: '2026-01-01T00:00:00Z', merchantId: `m-${b}` })));
        expect(results.every((r) => r.status === 'sent')).toBe(true);
      }
      await restart;
    } finally {
      await producer.close();
    }
    expect(whileDown).toBeGreaterThan(0);
    // Exactly 120 more records in the topic: a duplicate would be one more.
    expect((await total()) - before).toBe(120);
    await admin.close();
  });
});
