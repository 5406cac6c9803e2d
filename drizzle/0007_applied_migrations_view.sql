-- What the readiness probe (GET /api/ready) reads: which migrations are applied. A view the tables'
-- owner makes over drizzle's own record, so the application's role reads it through the default
-- privileges that give it every table, with no grant on drizzle's schema (README: Database roles).
CREATE VIEW applied_migrations AS SELECT created_at FROM drizzle.__drizzle_migrations;
