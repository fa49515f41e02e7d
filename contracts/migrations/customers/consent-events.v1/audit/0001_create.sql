-- contract-mesh migration for customers/consent-events@v1, consumer "audit" (append): creates its sink table.
-- Generated once, then frozen: never edit a committed migration.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'customers_owner') THEN CREATE ROLE "customers_owner" NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'customers_analyst') THEN CREATE ROLE "customers_analyst" NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'customers__audit') THEN CREATE ROLE "customers__audit" LOGIN; END IF;
END
$$;
GRANT "customers_owner" TO CURRENT_USER;
CREATE SCHEMA IF NOT EXISTS "customers" AUTHORIZATION "customers_owner";
GRANT USAGE ON SCHEMA "customers" TO "customers_analyst", "customers__audit";
CREATE TABLE "customers"."consent_events_v1__audit" (
  "customer_id" uuid NOT NULL,
  "purposes" jsonb NOT NULL,
  "granted" boolean NOT NULL,
  "channel" text NOT NULL,
  "policy_version" integer NOT NULL,
  "note" varchar(500),
  "recorded_at" timestamptz NOT NULL,
  "_source_partition" integer NOT NULL,
  "_source_offset" bigint NOT NULL,
  "_ingested_at" timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "consent_events_v1__audit_pk" PRIMARY KEY ("_source_partition", "_source_offset"),
  CONSTRAINT "ck_channel" CHECK ("channel" IN ('WEB', 'APP', 'CALL_CENTRE')),
  CONSTRAINT "ck_policy_version" CHECK ("policy_version" BETWEEN 1 AND 10000)
);
ALTER TABLE "customers"."consent_events_v1__audit" OWNER TO "customers_owner";
REVOKE ALL ON TABLE "customers"."consent_events_v1__audit" FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "customers"."consent_events_v1__audit" TO "customers__audit";
GRANT SELECT ON TABLE "customers"."consent_events_v1__audit" TO "customers_analyst";
COMMENT ON TABLE "customers"."consent_events_v1__audit" IS 'customers/consent-events@v1 as sunk by consumer audit (append); managed by contract-mesh.';
