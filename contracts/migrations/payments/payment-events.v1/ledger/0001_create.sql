-- contract-mesh migration for payments/payment-events@v1, consumer "ledger" (upsert): creates its sink table.
-- Generated once, then frozen: never edit a committed migration.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'payments_owner') THEN CREATE ROLE "payments_owner" NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'payments_analyst') THEN CREATE ROLE "payments_analyst" NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'payments__ledger') THEN CREATE ROLE "payments__ledger" LOGIN; END IF;
END
$$;
GRANT "payments_owner" TO CURRENT_USER;
CREATE SCHEMA IF NOT EXISTS "payments" AUTHORIZATION "payments_owner";
GRANT USAGE ON SCHEMA "payments" TO "payments_analyst", "payments__ledger";
CREATE TABLE "payments"."payment_events_v1__ledger" (
  "payment_id" uuid NOT NULL,
  "amount_minor" bigint NOT NULL,
  "currency" text NOT NULL,
  "status" text NOT NULL,
  "occurred_at" timestamptz NOT NULL,
  "merchant_id" varchar(64) NOT NULL,
  "metadata" jsonb,
  "_source_partition" integer NOT NULL,
  "_source_offset" bigint NOT NULL,
  "_ingested_at" timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "payment_events_v1__ledger_pk" PRIMARY KEY ("payment_id"),
  CONSTRAINT "ck_amount_minor" CHECK ("amount_minor" BETWEEN 0 AND 9007199254740991),
  CONSTRAINT "ck_currency" CHECK ("currency" IN ('USD', 'EUR', 'GBP')),
  CONSTRAINT "ck_status" CHECK ("status" IN ('AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED'))
);
ALTER TABLE "payments"."payment_events_v1__ledger" OWNER TO "payments_owner";
REVOKE ALL ON TABLE "payments"."payment_events_v1__ledger" FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "payments"."payment_events_v1__ledger" TO "payments__ledger";
GRANT SELECT ON TABLE "payments"."payment_events_v1__ledger" TO "payments_analyst";
COMMENT ON TABLE "payments"."payment_events_v1__ledger" IS 'payments/payment-events@v1 as sunk by consumer ledger (upsert); managed by contract-mesh.';
