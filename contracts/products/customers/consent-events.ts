import { defineDataProduct, z } from '../../index';

/** Consent changes: confidential events with a bounded list of purposes and optional fields. */
export const consentEvents = defineDataProduct({
  domain: 'customers',
  name: 'consent-events',
  version: 1,
  description: 'Every grant or withdrawal of a customer consent, for audit.',
  owner: { team: 'customer-identity', contact: 'customer-identity@example.com', principal: 'User:customers-oncall' },
  producer: { principal: 'User:consent-service' },
  kind: 'event',
  key: 'customerId',
  schema: z.object({
    customerId: z.uuid(),
    purposes: z.array(z.enum(['MARKETING', 'ANALYTICS', 'PERSONALISATION', 'THIRD_PARTY_SHARING'])).min(1).max(4),
    granted: z.boolean(),
    channel: z.enum(['WEB', 'APP', 'CALL_CENTRE']),
    policyVersion: z.int().min(1).max(10_000),
    note: z.string().max(500).optional(),
    recordedAt: z.iso.datetime(),
  }),
  retention: { days: 30 },
  throughput: { peakMessagesPerSecond: 20, averageMessageBytes: 250 },
  classification: 'confidential',
  compatibility: 'FORWARD',
  consumers: [{ name: 'audit', principal: 'User:audit-archiver', sink: { postgres: { mode: 'append' } } }],
});
