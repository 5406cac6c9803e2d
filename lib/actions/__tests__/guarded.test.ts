import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every exported server action is a public POST endpoint. Each must reach the one authorization
 * helper (withActor / requireActor / currentActor in lib/auth/current.ts) — except the actions
 * listed here, which are public by nature.
 */
const PUBLIC_ACTIONS: Record<string, string> = {
  signInAction: "signs a visitor in; rate limited per account and IP inside signInWithPassword",
};
const GUARDS = /\b(withActor|requireActor|currentActor)\(/;

function actionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "__tests__" ? [] : actionFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The body of each exported function, by name. */
function exportedFunctions(source: string): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /export\s+async\s+function\s+(\w+)/g;
  const starts = [...source.matchAll(pattern)];
  starts.forEach((match, i) => found.set(match[1]!, source.slice(match.index, starts[i + 1]?.index ?? source.length)));
  return found;
}

describe("server actions", () => {
  const files = [...actionFiles("lib/actions"), ...actionFiles("app")].filter((f) => /^["']use server["']/m.test(readFileSync(f, "utf8")));

  it("finds the action files", () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it("each goes through the authorization helper unless it is public by nature", () => {
    const unguarded: string[] = [];
    for (const file of files) {
      for (const [name, body] of exportedFunctions(readFileSync(file, "utf8"))) {
        if (!GUARDS.test(body) && !(name in PUBLIC_ACTIONS)) unguarded.push(`${file}: ${name}`);
      }
    }
    expect(unguarded).toEqual([]);
  });

  it("exports nothing but async functions from a 'use server' file", () => {
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      const exports = [...source.matchAll(/^export\s+(?!async\s+function)(\w+)/gm)].map((m) => `${file}: ${m[1]}`);
      expect(exports).toEqual([]);
    }
  });
});
