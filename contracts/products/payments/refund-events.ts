import { defineDataProduct, z } from '../../index';

/** Refunds, with a nested amount and an optional free-text reason (bounded, so the record size is bounded). */
export const refundEvents = defineDataProduct({
  domain: 'payments',
  name: 'refund-events',
  version: 1,
  description: 'Every refund requested or settled against a captured payment.',
  owner: { team: 'payments-core', contact: 'payments-core@example.com', principal: 'User:payments-oncall' },
  producer: { principal: 'User:refunds-service' },
  kind: 'event',
  key: 'refundId',
  schema: z.object({
    refundId: z.uuid(),
    paymentId: z.uuid(),
    amount: z.object({
      minor: z.int().min(1).max(100_000_000),
      currency: z.enum(['USD', 'EUR', 'GBP']),
    }),
    state: z.enum(['REQUESTED', 'SETTLED', 'REJECTED']),
    reason: z.string().max(280).optional(),
    requestedAt: z.iso.datetime(),
  }),
  retention: { days: 14 },
  throughput: { peakMessagesPerSecond: 50, averageMessageBytes: 300 },
  classification: 'internal',
  consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }],
});
