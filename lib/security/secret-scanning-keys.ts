import "server-only";
import { createPublicKey, type KeyObject } from "node:crypto";

/** A partner's key id: short printable ASCII, as it arrives in `x-signature-key-id`. */
const KEY_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * The secret-scanning partners' public keys, from LATCHKEY_SECRET_SCANNING_KEYS: a JSON object of
 * key id → PEM. Every PEM must be an EC public key on P-256 (prime256v1), the curve the partner
 * format signs with; anything else is refused with a message naming the key id, so a mistake stops
 * the server at start-up instead of failing every report later.
 */
export function parseSecretScanningKeys(text: string): Map<string, KeyObject> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('must be a JSON object of key id → PEM public key, e.g. {"partner-1":"-----BEGIN PUBLIC KEY-----\\n…"}');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("must be a JSON object of key id → PEM public key");
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new Error("names no key: leave it unset to turn leak reports off");
  const keys = new Map<string, KeyObject>();
  for (const [id, pem] of entries) {
    if (!KEY_ID.test(id)) throw new Error(`key id ${JSON.stringify(id.slice(0, 40))} must be 1 to 200 printable ASCII characters, no spaces`);
    if (typeof pem !== "string") throw new Error(`the key of ${id} must be a PEM string`);
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new Error(`the key of ${id} is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw new Error(`the key of ${id} must be an ECDSA P-256 (prime256v1) public key`);
    }
    keys.set(id, key);
  }
  return keys;
}
