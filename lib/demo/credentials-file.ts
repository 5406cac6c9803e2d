import path from "node:path";

/**
 * Where the demo keeps its applications' client secrets (the database holds only their hashes): a
 * file readable by its owner only, in the data folder. The embedded database's is
 * `demo-applications.json`; a PostgreSQL database's is named after its server and database, so two
 * databases sharing one data folder never overwrite each other's.
 */
export function demoCredentialsFile(dataDir: string, databaseUrl?: string): string {
  if (!databaseUrl) return path.resolve(dataDir, "demo-applications.json");
  const url = new URL(databaseUrl);
  const name = `${url.hostname}-${url.port || "5432"}-${decodeURIComponent(url.pathname.slice(1)) || "postgres"}`.replace(/[^A-Za-z0-9._-]/g, "_");
  return path.resolve(dataDir, `demo-applications.${name}.json`);
}
