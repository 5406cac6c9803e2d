import "server-only";
import { BASE62, randomBase62 } from "@/lib/security/random";

/**
 * `lk_live_` / `lk_test_` + 32 base62 characters from the CSPRNG (≈ 190.5 bits) + a 6-character
 * base62 CRC32 of everything before it. A leaked key is recognisable by its prefix; a typo fails
 * the checksum before any database lookup.
 */
export const KEY_RANDOM_LENGTH = 32;
export const KEY_CHECKSUM_LENGTH = 6;
const KEY_PATTERN = /^lk_(live|test)_([0-9A-Za-z]{38})$/;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(body: string): string {
  let value = crc32(body);
  let out = "";
  for (let i = 0; i < KEY_CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62]! + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generateApiKey(mode: "live" | "test"): { key: string; prefix: string } {
  const body = `lk_${mode}_${randomBase62(KEY_RANDOM_LENGTH)}`;
  const key = `${body}${checksum(body)}`;
  return { key, prefix: keyPrefix(key) };
}

/** The part that may be shown: `lk_live_4f9a`. */
export function keyPrefix(key: string): string {
  return key.slice(0, "lk_live_".length + 4);
}

/** The key's mode when its shape and checksum are right; null otherwise. Costs no database query. */
export function checkApiKeyFormat(key: string): "live" | "test" | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const body = key.slice(0, -KEY_CHECKSUM_LENGTH);
  return checksum(body) === key.slice(-KEY_CHECKSUM_LENGTH) ? (match[1] as "live" | "test") : null;
}
