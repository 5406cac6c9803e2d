import "server-only";
import { sql } from "drizzle-orm";
import { bigint, boolean, check, customType, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organisations } from "./organisations";
import { users } from "./users";

/** Raw bytes: a Buffer to both drivers, a Uint8Array back. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => Buffer.from(value),
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * A member's passkey (WebAuthn credential) for step-up confirmation: its id and public key only —
 * nothing another site could use. `counter` is the authenticator's signature count, which must
 * grow with every use (a counter that does not is a cloned authenticator).
 */
export const passkeys = pgTable(
  "passkeys",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** base64url, as the browser reports it. */
    credentialId: text().notNull().unique(),
    /** COSE-encoded public key. */
    publicKey: bytea().notNull(),
    counter: bigint({ mode: "number" }).notNull().default(0),
    transports: text().array(),
    backedUp: boolean(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.userId)],
);

/**
 * A WebAuthn challenge, used once within two minutes: for registering a passkey, or for confirming
 * one action (`action`) on one target (`targetId`) by one member in one organisation.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    orgId: uuid().references(() => organisations.id, { onDelete: "cascade" }),
    /** 'register' | 'step_up' */
    purpose: text().notNull(),
    action: text(),
    targetId: text(),
    /** A step-up's input, as a digest (lib/auth/passkey.ts, stepUpDigest): the assertion confirms that change alone. */
    inputDigest: text(),
    challenge: text().notNull().unique(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.expiresAt), index().on(t.userId), check("webauthn_challenges_purpose", sql`purpose in ('register', 'step_up')`)],
);
