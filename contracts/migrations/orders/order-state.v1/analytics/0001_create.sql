-- contract-mesh migration for orders/order-state@v1, consumer "analytics" (upsert): creates its sink table.
-- Generated once, then frozen: never edit a committed migration.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orders_owner') THEN CREATE ROLE "orders_owner" NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orders_analyst') THEN CREATE ROLE "orders_analyst" NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orders__analytics') THEN CREATE ROLE "orders__analytics" LOGIN; END IF;
END
$$;
GRANT "orders_owner" TO CURRENT_USER;
CREATE SCHEMA IF NOT EXISTS "orders" AUTHORIZATION "orders_owner";
GRANT USAGE ON SCHEMA "orders" TO "orders_analyst", "orders__analytics";
CREATE TABLE "orders"."order_state_v1__analytics" (
  "order_id" uuid NOT NULL,
  "customer_id" uuid NOT NULL,
  "status" text NOT NULL,
  "lines" jsonb NOT NULL,
  "shipping_address" jsonb NOT NULL,
  "total_minor" bigint NOT NULL,
  "updated_at" timestamptz NOT NULL,
  "_source_partition" integer NOT NULL,
  "_source_offset" bigint NOT NULL,
  "_ingested_at" timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "order_state_v1__analytics_pk" PRIMARY KEY ("order_id"),
  CONSTRAINT "ck_status" CHECK ("status" IN ('PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
  CONSTRAINT "ck_total_minor" CHECK ("total_minor" BETWEEN 0 AND 9007199254740991)
);
ALTER TABLE "orders"."order_state_v1__analytics" OWNER TO "orders_owner";
REVOKE ALL ON TABLE "orders"."order_state_v1__analytics" FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "orders"."order_state_v1__analytics" TO "orders__analytics";
GRANT SELECT ON TABLE "orders"."order_state_v1__analytics" TO "orders_analyst";
COMMENT ON TABLE "orders"."order_state_v1__analytics" IS 'orders/order-state@v1 as sunk by consumer analytics (upsert); managed by contract-mesh.';
