// The application's database role: DML on every table and sequence of the schema, now and — through
// default privileges — on those later migrations create. It owns nothing, so it can neither alter,
// drop nor switch the triggers of a table (the audit log's append-only trigger among them).
// Run as the role that owns the tables and runs the migrations (MIGRATION_DATABASE_URL's), in the
// application's database, before or after the first migration. The README shows these same
// statements; a unit test holds them equal.

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The SQL statements that create `role` with `password` and grant it DML only.
 * @param {string} role
 * @param {string} password
 * @returns {string[]}
 */
export function appRoleStatements(role, password) {
  if (!ROLE_NAME.test(role)) throw new Error(`Not a plain role name: ${role}`);
  const literal = `'${String(password).replaceAll("'", "''")}'`;
  return [
    `CREATE ROLE ${role} LOGIN PASSWORD ${literal};`,
    `GRANT USAGE ON SCHEMA public TO ${role};`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role};`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role};`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role};`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role};`,
  ];
}

/**
 * What undoes them, before the role is dropped: its privileges and default privileges in this database.
 * @param {string} role
 * @returns {string[]}
 */
export function dropAppRoleStatements(role) {
  if (!ROLE_NAME.test(role)) throw new Error(`Not a plain role name: ${role}`);
  return [`DROP OWNED BY ${role};`];
}
