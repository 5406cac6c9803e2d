/** The SQL statements that create `role` with `password` and grant it DML only (see app-role.mjs). */
export function appRoleStatements(role: string, password: string): string[];
/** What removes the role's privileges in the current database, before the role is dropped. */
export function dropAppRoleStatements(role: string): string[];
