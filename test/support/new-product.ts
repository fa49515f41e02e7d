/** The source of a product file a domain team adds in a new domain (`logistics`), as tests of the team's flow write it. */

/**
 * `contracts/products/logistics/parcel-scans.ts`: an event with a Postgres sink consumer.
 * @param extraConsumers more consumer lines, e.g. `{ name: 'ledger', principal: 'User:ledger-sink' },`
 */
export function parcelScansSource(extraConsumers: readonly string[] = []): string {
  return `import { defineDataProduct, z } from '../../index';

export const parcelScans = defineDataProduct({
  domain: 'logistics',
  name: 'parcel-scans',
  version: 1,
  description: 'Every scan of a parcel at a depot.',
  owner: { team: 'logistics-core', contact: 'logistics-core@example.com', principal: 'User:logistics-oncall' },
  producer: { principal: 'User:depot-scanner' },
  kind: 'event',
  key: 'parcelId',
  schema: z.object({
    parcelId: z.uuid(),
    depot: z.string().max(32),
    scannedAt: z.iso.datetime(),
  }),
  retention: { days: 7 },
  throughput: { peakMessagesPerSecond: 300, averageMessageBytes: 200 },
  classification: 'internal',
  consumers: [
    { name: 'tracking', principal: 'User:parcel-tracker', sink: { postgres: { mode: 'append' } } },
${extraConsumers.map((c) => `    ${c}\n`).join('')}  ],
});
`;
}
