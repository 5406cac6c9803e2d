import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { DomainError, parseOrThrow } from "@/lib/errors";
import { createOperatorSchema } from "@/lib/schemas/set-up";
import { hashSecret, sha256Hex } from "@/lib/security/hashing";

/** How long a set-up link works. */
export const SET_UP_LINK_HOURS = 24;

/** Who issues set-up links: the command line, run by whoever runs the bank's servers. */
export const COMMAND_LINE_ACTOR = "operator:create (command line)";

export interface OperatorSetUpLink {
  userId: string;
  email: string;
  /** `created`: a new operator; `renewed`: a fresh link for one not yet set up (the old link stops working). */
  status: "created" | "renewed";
  /** The link's secret: shown once, stored only as its SHA-256. */
  token: string;
  expiresAt: Date;
}

/** A set-up link's token: 32 random bytes. */
function newSetUpToken(): string {
  return `lksu_${randomBytes(32).toString("base64url")}`;
}

/**
 * Creates a bank operator with no usable password and returns a one-time link's token with which the
 * person chooses their password and PIN within 24 hours (`setUpAccount`). For an operator who has not
 * set up yet it issues a fresh link instead; an account that is set up, or is not an operator, is
 * refused and left as it is.
 */
export async function createOperator(db: Database, input: unknown, now = new Date()): Promise<OperatorSetUpLink> {
  const { email, name } = parseOrThrow(createOperatorSchema.safeParse(input));
  const token = newSetUpToken();
  const tokenHash = sha256Hex(token);
  const expiresAt = new Date(now.getTime() + SET_UP_LINK_HOURS * 3_600_000);
  // Nobody knows this password: the hash of 32 random bytes, never kept. Signing in with any
  // password costs the same Argon2id verification as for everyone else, and fails.
  const unusablePassword = await hashSecret(randomBytes(32).toString("base64url"));
  const requestId = randomUUID();

  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id, isOperator: users.isOperator, setUpTokenHash: users.setUpTokenHash })
      .from(users)
      .where(eq(users.email, email))
      .for("update");
    let userId: string;
    let status: OperatorSetUpLink["status"];
    if (!existing) {
      const [created] = await tx
        .insert(users)
        .values({ email, name, passwordHash: unusablePassword, isOperator: true, setUpTokenHash: tokenHash, setUpExpiresAt: expiresAt })
        .returning({ id: users.id });
      userId = created!.id;
      status = "created";
    } else if (!existing.isOperator) {
      throw new DomainError(
        "not_operator",
        `${email} has a Latchkey sign-in as a customer's member, not as a bank operator. Nothing was changed; use another address for the operator.`,
      );
    } else if (!existing.setUpTokenHash) {
      throw new DomainError("already_set_up", `${email} is a bank operator who has already set a password and PIN. Nothing was changed.`);
    } else {
      await tx.update(users).set({ setUpTokenHash: tokenHash, setUpExpiresAt: expiresAt }).where(eq(users.id, existing.id));
      userId = existing.id;
      status = "renewed";
    }
    await recordAuditEvent(tx, {
      actorLabel: COMMAND_LINE_ACTOR,
      action: status === "created" ? "operator.create" : "operator.set_up_link_renew",
      targetType: "user",
      targetId: userId,
      outcome: "success",
      requestId,
      metadata: { email, expiresAt: expiresAt.toISOString() },
    });
    return { userId, email, status, token, expiresAt };
  });
}

/** The link a person opens to set up: under the portal's public address. */
export function setUpLink(baseUrl: string, token: string): string {
  return new URL(`/set-up/${token}`, baseUrl).toString();
}
