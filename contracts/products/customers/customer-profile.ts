import { defineDataProduct, z } from '../../index';

/** Customer profiles: personal data, a compacted entity whose deletions (tombstones) honour erasure requests. */
export const customerProfile = defineDataProduct({
  domain: 'customers',
  name: 'customer-profile',
  version: 1,
  description: 'The current profile of every customer, deleted on an erasure request.',
  owner: { team: 'customer-identity', contact: 'customer-identity@example.com', principal: 'User:customers-oncall' },
  producer: { principal: 'User:profile-service' },
  kind: 'entity',
  key: 'customerId',
  schema: z.object({
    customerId: z.uuid(),
    email: z.email().max(254),
    fullName: z.string().min(1).max(200),
    phone: z.string().max(32).optional(),
    address: z
      .object({
        line1: z.string().max(120),
        city: z.string().max(80),
        postalCode: z.string().max(16),
        country: z.string().length(2),
      })
      .optional(),
    tier: z.enum(['STANDARD', 'GOLD', 'PLATINUM']),
    marketingOptIn: z.boolean(),
    updatedAt: z.iso.datetime(),
  }),
  retention: { days: 7 },
  throughput: { peakMessagesPerSecond: 100, averageMessageBytes: 700 },
  classification: 'pii',
  compatibility: 'BACKWARD',
  consumers: [
    { name: 'crm-sync', principal: 'User:crm-sync' },
    { name: 'customer-care', principal: 'User:customer-care' },
  ],
});
