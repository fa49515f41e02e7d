-- contract-mesh migration for orders/order-state@v1, consumer "analytics" (upsert): privilege revision 2 for a table created before it.
-- Generated once, then frozen: never edit a committed migration.
-- Revision 2: login role SELECT, INSERT (append) or SELECT, INSERT, UPDATE, DELETE (upsert); sink roles without elevated attributes; PUBLIC without rights on the database and schema public; CONNECT for the login and analyst roles.
DO $$
DECLARE
  r record;
  elevated text;
  member_of text;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orders_owner') THEN CREATE ROLE "orders_owner" NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orders_analyst') THEN CREATE ROLE "orders_analyst" NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orders__analytics') THEN CREATE ROLE "orders__analytics" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; END IF;
  FOR r IN SELECT p.*, w.login FROM (VALUES ('orders_owner', false), ('orders_analyst', false), ('orders__analytics', true)) AS w(name, login) JOIN pg_catalog.pg_roles p ON p.rolname = w.name LOOP
    elevated := concat_ws(', ', CASE WHEN r.rolsuper THEN 'SUPERUSER' END, CASE WHEN r.rolcreatedb THEN 'CREATEDB' END, CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END, CASE WHEN r.rolreplication THEN 'REPLICATION' END, CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END);
    IF elevated <> '' THEN
      RAISE EXCEPTION 'contract-mesh: role % has %; a sink role may have none of SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS, and this migration does not remove attributes (on RDS the master user is not a superuser and cannot). Fix: as a user allowed to, run ALTER ROLE % NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; (or drop the role if nothing else uses it), then deploy again.', quote_ident(r.rolname), elevated, quote_ident(r.rolname);
    END IF;
    IF r.login THEN
      SELECT string_agg(quote_ident(g.rolname), ', ' ORDER BY g.rolname) INTO member_of FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid;
      IF member_of IS NOT NULL THEN
        RAISE EXCEPTION 'contract-mesh: login role % is a member of % and would use their rights; a sink login role is a member of no role. Fix: REVOKE % FROM %; then deploy again.', quote_ident(r.rolname), member_of, member_of, quote_ident(r.rolname);
      END IF;
    END IF;
    IF NOT pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER WITH ADMIN OPTION') THEN
      RAISE EXCEPTION 'contract-mesh: the migrating user % cannot administer role % (it has no ADMIN OPTION on it: another user created the role), so it can neither grant the role nor give it its login credentials. Fix: as the role''s creator or a superuser, run GRANT % TO % WITH ADMIN OPTION; (or drop the role if nothing else uses it), then deploy again.', quote_ident(current_user), quote_ident(r.rolname), quote_ident(r.rolname), quote_ident(current_user);
    END IF;
  END LOOP;
END
$$;
REVOKE ALL ON TABLE "orders"."order_state_v1__analytics" FROM PUBLIC;
REVOKE ALL ON TABLE "orders"."order_state_v1__analytics" FROM "orders__analytics", "orders_analyst";
-- ON CONFLICT … DO UPDATE needs SELECT, INSERT and UPDATE; a tombstone needs DELETE.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "orders"."order_state_v1__analytics" TO "orders__analytics";
GRANT SELECT ON TABLE "orders"."order_state_v1__analytics" TO "orders_analyst";
-- Database level: PUBLIC gets nothing (no CONNECT, no TEMP, nothing in schema public); each sink role is granted CONNECT explicitly.
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), 'orders__analytics', 'orders_analyst');
  IF EXISTS (SELECT FROM pg_catalog.pg_database d WHERE d.datname = current_database() AND (d.datacl IS NULL OR EXISTS (SELECT FROM pg_catalog.aclexplode(d.datacl) a WHERE a.grantee = 0))) THEN
    RAISE EXCEPTION 'contract-mesh: PUBLIC still has rights on database % after REVOKE: the migrating user % does not own it. Fix: run the migrations as the database owner (on RDS: the master user, which owns the database RDS created), or make it the owner (ALTER DATABASE % OWNER TO %;), then deploy again.', quote_ident(current_database()), quote_ident(current_user), quote_ident(current_database()), quote_ident(current_user);
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN
    REVOKE ALL ON SCHEMA public FROM PUBLIC;
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a WHERE n.nspname = 'public' AND a.grantee = 0) THEN
      RAISE EXCEPTION 'contract-mesh: PUBLIC still has rights on schema public of database % after REVOKE: the migrating user % does not own it. Fix: run the migrations as the database owner (on RDS: the master user, which owns the database RDS created), or make it the owner (ALTER DATABASE % OWNER TO %;), then deploy again.', quote_ident(current_database()), quote_ident(current_user), quote_ident(current_database()), quote_ident(current_user);
    END IF;
  END IF;
END
$$;
