import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

/**
 * Sealing: AES-256-GCM under a key derived (HKDF-SHA256) from AUTH_SECRET for one purpose, for a
 * value the database may hold but must not be able to read — a one-time link waiting to be e-mailed.
 * AUTH_SECRET is never in the database, so whoever reads the table reads only ciphertext. The
 * context (additional authenticated data) binds a sealed value to where it belongs: moved to another
 * row or altered by one bit, it no longer opens.
 *
 * Format: `v1.` + base64url(12-byte IV ‖ ciphertext ‖ 16-byte tag).
 */

const VERSION = "v1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Longer than any link this seals; anything longer is refused before it is decoded. */
const MAX_SEALED_LENGTH = 8192;
const SALT = Buffer.from("latchkey seal v1", "utf8");

/** A sealed value that does not open: altered, moved, malformed, or sealed under another key. */
export class SealError extends Error {
  constructor() {
    super("The sealed value cannot be opened: it was altered, or sealed under another AUTH_SECRET.");
    this.name = "SealError";
  }
}

/** The 256-bit key for one purpose, derived from a secret with HKDF-SHA256. */
export function sealingKey(secret: string, purpose: string): Buffer {
  if (secret.length < 32) throw new Error("The sealing secret must be at least 32 characters.");
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), SALT, Buffer.from(purpose, "utf8"), 32));
}

export function sealWith(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return VERSION + Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString("base64url");
}

/** The plaintext of a sealed value; throws SealError unless it is intact, for this key and context. */
export function unsealWith(key: Buffer, sealed: unknown, context: string): string {
  if (typeof sealed !== "string" || sealed.length > MAX_SEALED_LENGTH || !sealed.startsWith(VERSION)) throw new SealError();
  const encoded = sealed.slice(VERSION.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new SealError();
  const bytes = Buffer.from(encoded, "base64url");
  // One encoding per value: trailing bits that base64url decoding would ignore are refused too.
  if (bytes.length < IV_BYTES + TAG_BYTES || bytes.toString("base64url") !== encoded) throw new SealError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plaintext = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    return plaintext.toString("utf8");
  } catch {
    throw new SealError();
  }
}

let fileSecret: string | undefined;

/**
 * AUTH_SECRET: from the environment, or — as `npm start` does when it is unset — the one generated
 * into the data folder. Null when there is neither (then nothing can be sealed or opened).
 */
export function sealingSecret(): string | null {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  if (fileSecret) return fileSecret;
  const file = path.join(env.LATCHKEY_DATA_DIR, "auth-secret");
  const value = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (value.length < 32) return null;
  fileSecret = value;
  return value;
}

const keys = new Map<string, Buffer>();

/** The key for a purpose under AUTH_SECRET, or null when no AUTH_SECRET is available. */
export function keyFor(purpose: string): Buffer | null {
  const secret = sealingSecret();
  if (!secret) return null;
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = sealingKey(secret, purpose);
    keys.set(cacheKey, key);
  }
  return key;
}

/** Seals under AUTH_SECRET; throws when there is none. */
export function seal(purpose: string, plaintext: string, context: string): string {
  const key = keyFor(purpose);
  if (!key) throw new Error("AUTH_SECRET is not set: nothing can be sealed.");
  return sealWith(key, plaintext, context);
}
