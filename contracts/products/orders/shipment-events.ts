import { defineDataProduct, z } from '../../index';

/** Carrier scans of shipments: an event stream with an array of parcels and free-form carrier attributes. */
export const shipmentEvents = defineDataProduct({
  domain: 'orders',
  name: 'shipment-events',
  version: 1,
  description: 'Every carrier scan of an order shipment.',
  owner: { team: 'order-management', contact: 'orders@example.com' },
  producer: { principal: 'User:carrier-gateway' },
  kind: 'event',
  key: 'shipmentId',
  schema: z.object({
    shipmentId: z.string().min(1).max(40),
    orderId: z.uuid(),
    carrier: z.enum(['DHL', 'UPS', 'FEDEX', 'ROYAL_MAIL']),
    scan: z.enum(['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION']),
    parcels: z.array(z.object({ parcelId: z.string().max(40), weightGrams: z.int().min(0).max(100_000) })),
    location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
    carrierAttributes: z.record(z.string(), z.string()).optional(),
    scannedAt: z.iso.datetime(),
  }),
  retention: { hours: 72 },
  throughput: { peakMessagesPerSecond: 5000, averageMessageBytes: 350 },
  classification: 'internal',
  consumers: [
    { name: 'tracking-page', principal: 'User:tracking-page' },
    { name: 'analytics', principal: 'User:analytics-loader' },
  ],
});
