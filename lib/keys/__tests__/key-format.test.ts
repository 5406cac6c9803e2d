import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkApiKeyFormat, generateApiKey, KEY_RANDOM_LENGTH } from "@/lib/keys/key-format";
import { BASE62 } from "@/lib/security/random";

describe("API key format", () => {
  it("carries at least 190 bits of randomness", () => {
    expect(KEY_RANDOM_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(190);
  });

  it("generates 100,000 keys that all verify and never repeat", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const mode = i % 2 ? "live" : "test";
      const { key, prefix } = generateApiKey(mode);
      expect(key).toMatch(/^lk_(live|test)_[0-9A-Za-z]{38}$/);
      if (checkApiKeyFormat(key) !== mode) throw new Error(`key ${i} failed its own checksum`);
      if (!key.startsWith(prefix) || prefix.length !== 12) throw new Error(`bad prefix ${prefix}`);
      seen.add(key);
    }
    expect(seen.size).toBe(100_000);
  });

  it("rejects every one-character typo without a database lookup", () => {
    for (let k = 0; k < 200; k++) {
      const { key } = generateApiKey("live");
      for (let position = 8; position < key.length; position++) {
        const original = key[position]!;
        const replacement = BASE62[(BASE62.indexOf(original) + 1 + (k % 61)) % 62]!;
        const typo = key.slice(0, position) + replacement + key.slice(position + 1);
        if (checkApiKeyFormat(typo) !== null) throw new Error(`typo at ${position} passed: ${typo}`);
      }
    }
  });

  it("rejects keys of the wrong shape", () => {
    const { key } = generateApiKey("test");
    for (const bad of ["", "lk_test_", key.slice(0, -1), `${key}x`, key.replace("lk_test_", "lk_prod_"), key.replace("lk_test_", "sk_test_"), ` ${key}`]) {
      expect(checkApiKeyFormat(bad)).toBeNull();
    }
  });

  it("uses no Math.random anywhere in lib/ outside tests", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "__tests__") walk(full);
        } else if (/\.tsx?$/.test(entry.name) && readFileSync(full, "utf8").includes("Math.random")) offenders.push(full);
      }
    };
    walk("lib");
    expect(offenders).toEqual([]);
  });
});
