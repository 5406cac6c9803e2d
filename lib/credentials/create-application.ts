import "server-only";
import type { Executor } from "@/lib/db";
import { applications } from "@/lib/db/schema";
import { sha256Hex } from "@/lib/security/hashing";
import { randomBase62 } from "@/lib/security/random";

/** A new client secret: `lkcs_` + 40 base62 characters (≈ 238 bits). Only its hash is stored. */
export function generateClientSecret(): string {
  return `lkcs_${randomBase62(40)}`;
}

/**
 * Creates an application ("connection") with a fresh client ID and secret. The secret is returned
 * once, here, and kept only as a SHA-256 hash plus its last four characters.
 *
 * With `issueSecret: false` the secret is one nobody ever sees (its hash is kept, its last four are
 * not): the application has no usable secret until a member issues one by rotating it.
 */
export async function createApplication(db: Executor, orgId: string, name: string, options: { issueSecret?: boolean } = {}) {
  const issued = options.issueSecret ?? true;
  const clientId = `lkci_${randomBase62(24)}`;
  const clientSecret = generateClientSecret();
  const [row] = await db
    .insert(applications)
    .values({
      orgId,
      name,
      clientId,
      clientSecretHash: sha256Hex(clientSecret),
      clientSecretLast4: issued ? clientSecret.slice(-4) : "",
    })
    .returning({ id: applications.id });
  if (!row) throw new Error("application insert returned no row");
  return { id: row.id, clientId, clientSecret };
}

/** Whether an application's client secret has ever been shown to someone (see createApplication). */
export function secretIssued(app: { clientSecretLast4: string }): boolean {
  return app.clientSecretLast4 !== "";
}
