import { defineDataProduct, z } from '../../index';

/** The latest state of every order: a compacted entity with nested objects and a bounded array. */
export const orderState = defineDataProduct({
  domain: 'orders',
  name: 'order-state',
  version: 1,
  description: 'The current state of every order, one record per order id.',
  owner: { team: 'order-management', contact: 'orders@example.com', principal: 'User:orders-oncall' },
  producer: { principal: 'User:order-service' },
  kind: 'entity',
  key: 'orderId',
  schema: z.object({
    orderId: z.uuid(),
    customerId: z.uuid(),
    status: z.enum(['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED']),
    lines: z
      .array(
        z.object({
          sku: z.string().min(1).max(32),
          quantity: z.int().min(1).max(1000),
          unitPriceMinor: z.int().nonnegative(),
        }),
      )
      .min(1)
      .max(200),
    shippingAddress: z.object({
      line1: z.string().max(120),
      line2: z.string().max(120).optional(),
      city: z.string().max(80),
      postalCode: z.string().max(16),
      country: z.string().length(2),
    }),
    totalMinor: z.int().nonnegative(),
    updatedAt: z.iso.datetime(),
  }),
  retention: { days: 3 },
  throughput: { peakMessagesPerSecond: 300, averageMessageBytes: 1500 },
  classification: 'confidential',
  compatibility: 'FULL',
  consumers: [
    {
      name: 'fulfilment',
      principal: 'User:fulfilment',
      // One task keeps up with the 300 updates/s peak; the topic has 1 partition in dev (3 in prod), and a consumer
      // group cannot use more tasks than partitions — so more tasks would only wait, and dev would clamp them.
      deployment: { image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/fulfilment:2.0.1', cpu: 512, memoryMiB: 1024, minTasks: 1, maxTasks: 1 },
    },
    { name: 'analytics', principal: 'User:analytics-loader', sink: { postgres: { mode: 'upsert' } } },
    { name: 'customer-care', principal: 'User:customer-care' },
  ],
});
