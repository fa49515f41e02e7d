import { defineDataProduct, z } from '../../index';

export const paymentEvents = defineDataProduct({
  domain: 'payments',
  name: 'payment-events',
  version: 1,
  description: 'Every state change of a card payment.',
  owner: { team: 'payments-core', contact: 'payments-core@example.com', principal: 'User:payments-oncall' },
  producer: { principal: 'User:payments-api' },
  kind: 'event',
  key: 'paymentId',
  schema: z.object({
    paymentId: z.uuid(),
    amountMinor: z.int().nonnegative(),
    currency: z.enum(['USD', 'EUR', 'GBP']),
    status: z.enum(['AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED']),
    occurredAt: z.iso.datetime(),
    merchantId: z.string().max(64),
    metadata: z.record(z.string(), z.string()).optional(),
  }),
  retention: { days: 7 },
  throughput: { peakMessagesPerSecond: 2000, averageMessageBytes: 400 },
  classification: 'internal',
  compatibility: 'BACKWARD',
  consumers: [
    {
      name: 'ledger',
      principal: 'User:ledger-sink',
      sink: { postgres: { mode: 'upsert' } },
      deployment: { image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/ledger-sink:1.4.2', cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 4 },
    },
    { name: 'fraud-scoring', principal: 'User:fraud-scoring' },
  ],
});
