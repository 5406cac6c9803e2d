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
  acceptInvitationAction: "the invitation's one-time token (≈ 256 bits, stored hashed, single use) is the credential",
  setUpAccountAction: "the set-up link's one-time token (256 bits, stored hashed, 24 hours) is the credential; rate limited per address",
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

/**
 * Every route handler of the bank API is built with apiHandler (lib/api/handler.ts), which
 * authenticates the key, rate-limits it and checks the endpoint's permission — except these.
 */
const PUBLIC_ROUTES: Record<string, string> = {
  issueToken: "the OAuth token endpoint authenticates the key and the client credentials itself",
  serveOpenApi: "the API description is public",
  benchAccountsUnverified: "benchmark only: answers 404 unless the server was started with LATCHKEY_BENCH=1",
  benchStats: "benchmark only: answers 404 unless the server was started with LATCHKEY_BENCH=1",
};

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

describe("app/api", () => {
  it("is one catch-all route handing every method to the API's one dispatcher", () => {
    expect(routeFiles("app/api")).toEqual([path.join("app", "api", "[...path]", "route.ts")]);
    const source = readFileSync(path.join("app", "api", "[...path]", "route.ts"), "utf8");
    expect(source).not.toMatch(/export\s+(async\s+)?function|export\s+const\s+(GET|POST|PUT|PATCH|DELETE)/);
    for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) expect(source).toContain(`dispatch as ${method}`);
  });
});

describe("the lean API server's route table", () => {
  const table = readFileSync("lib/api/routes.ts", "utf8");
  const entries = [...table.matchAll(/method: "(\w+)", pattern: \/\^(.+?)\$\/, handler: (\w+) as Handler/g)].map(([, method, pattern, handler]) => ({
    method: method!,
    path: pattern!.replace(/\\\//g, "/").replace(/\\\./g, ".").replace(/\(\?<id>\[\^\/\]\+\)/g, "[id]"),
    handler: handler!,
  }));
  const modules = readdirSync("lib/api").filter((f) => f.endsWith(".ts")).map((f) => readFileSync(path.join("lib/api", f), "utf8")).join("\n");

  it("holds only handlers built with the API's one door, or public by nature", () => {
    expect(entries.length).toBeGreaterThanOrEqual(14);
    const unguarded = entries.filter((e) => !new RegExp(`export const ${e.handler} = apiHandler(<[^>]*>)?\\(`).test(modules) && !(e.handler in PUBLIC_ROUTES));
    expect(unguarded).toEqual([]);
  });
});

describe("portal route handlers", () => {
  const routes = routeFiles("app").filter((file) => !file.startsWith(path.join("app", "api") + path.sep));

  it("finds them", () => {
    expect(routes).toContain(path.join("app", "(portal)", "audit", "export", "route.ts"));
  });

  it("each checks the session and permission through the authorization helper", () => {
    const unguarded = routes.filter((route) => {
      const source = readFileSync(route, "utf8");
      return [...exportedFunctions(source).values()].some((body) => !GUARDS.test(body));
    });
    expect(unguarded).toEqual([]);
  });
});
