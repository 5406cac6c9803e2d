import "server-only";
import * as crypto from "node:crypto";
import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

// Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const ARGON2_OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Argon2id hash for low-entropy secrets a person chooses: passwords and PINs. */
export function hashSecret(secret: string): Promise<string> {
  return hash(secret, ARGON2_OPTIONS);
}

export async function verifySecret(storedHash: string, secret: string): Promise<boolean> {
  try {
    return await verify(storedHash, secret);
  } catch {
    return false;
  }
}

// Verified when the account does not exist, so an unknown email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;
export async function burnVerification(secret: string): Promise<void> {
  dummyHash ??= hashSecret(randomBytes(16).toString("hex"));
  await verifySecret(await dummyHash, secret);
}

// crypto.hash (Node 20.12 and later) digests in one call, without a Hash object: the API's key check runs it on every request.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** SHA-256, hex: right for high-entropy random secrets (API keys, tokens, client secrets). */
export function sha256Hex(value: string): string {
  return oneShot ? oneShot("sha256", value) : createHash("sha256").update(value).digest("hex");
}
