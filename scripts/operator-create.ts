/**
 * `npm run operator:create -- --email ops@bank.example [--name "Lindiwe Zulu"]`: a real bank's first
 * (or next) operator. Creates the operator with no usable password and prints a one-time link, valid
 * 24 hours, where they choose their password and PIN. Run again for an operator who has not set up
 * yet, it prints a fresh link (the previous one stops working); an account that is set up already,
 * or that is not an operator, is refused with a non-zero exit and left unchanged.
 *
 * The embedded database belongs to the one server process that opened it: stop the server and pass
 * `--embedded` to run this on its folder.
 */
import { parseArgs } from "node:util";
import { createOperator, setUpLink, SET_UP_LINK_HOURS } from "@/lib/auth/create-operator";
import { databaseHandle } from "@/lib/db";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";

const USAGE = 'Usage: npm run operator:create -- --email ops@bank.example [--name "Full Name"] [--embedded]';

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

function databaseMissing(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === "42P01") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

async function main() {
  let values: { email?: string; name?: string; embedded?: boolean };
  try {
    ({ values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" }, embedded: { type: "boolean" } }, strict: true }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (!values.email) fail(`Give the operator's address with --email.\n${USAGE}`, 2);
  if (!env.DATABASE_URL && !values.embedded) {
    fail("This would open the embedded database, which the running server owns: stop the server first, then run it again with --embedded.", 2);
  }

  const handle = databaseHandle();
  let refusal: string | null = null;
  try {
    const link = await createOperator(handle.db, { email: values.email, name: values.name ?? values.email.trim().split("@")[0] });
    const url = setUpLink(env.AUTH_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`, link.token);
    console.log(
      [
        link.status === "created"
          ? `Bank operator ${link.email} created, with no password yet.`
          : `A fresh set-up link for ${link.email}, who has not set up yet; the previous link no longer works.`,
        `Send them this link over a channel you trust. It works once, for ${SET_UP_LINK_HOURS} hours (until ${link.expiresAt.toISOString()}), to choose a password and PIN:`,
        "",
        `  ${url}`,
        "",
      ].join("\n"),
    );
  } catch (error) {
    // Reported after the database is closed: the embedded one must be closed before the process ends.
    if (error instanceof DomainError) refusal = error.fieldErrors ? Object.values(error.fieldErrors).join("; ") : error.message;
    else if (databaseMissing(error)) refusal = "The database has no tables yet: run `npm run db:migrate` (or start Latchkey once) first.";
    else throw error;
  } finally {
    await handle.close();
  }
  if (refusal) {
    console.error(refusal);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
