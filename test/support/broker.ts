/**
 * For broker tests (files named `*.broker.test.ts`): the run's one real Kafka
 * broker, started by the jest global setup (test/support/broker-global.ts).
 *
 *   describeBroker('topics', (broker) => { it('…', async () => { const c = broker().connection; … }); });
 *
 * `describeBroker` skips its tests, printing why, when the run has no broker
 * (no Java 17 or no jars; never under CI=true, where the setup fails instead).
 * The broker is shared by every broker test file of the run, which run in
 * parallel: a file creates topics, groups and principals under names of its own.
 */
import { readFileSync } from 'node:fs';
import type { TestBroker } from './broker-global';

export type { TestBroker } from './broker-global';

/** The run's broker, or undefined with the reason in `MESH_TEST_BROKER_SKIP`. */
export function testBroker(): TestBroker | undefined {
  const file = process.env.MESH_TEST_BROKER;
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as TestBroker) : undefined;
}

/** Why the run has no broker. */
export function brokerSkipReason(): string {
  return process.env.MESH_TEST_BROKER_SKIP ?? 'the jest global setup started no broker (is the file named *.broker.test.ts?)';
}

/** A `describe` whose tests run against the real broker, or skip with the printed reason. */
export function describeBroker(name: string, fn: (broker: () => TestBroker) => void): void {
  const b = testBroker();
  if (!b) {
    describe.skip(`${name} (SKIPPED: ${brokerSkipReason()})`, () => fn(() => { throw new Error('no broker'); }));
    // eslint-disable-next-line no-console
    console.warn(`broker tests "${name}" skipped: ${brokerSkipReason()}`);
    return;
  }
  describe(name, () => fn(() => b));
}
