import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BENCH_ROUTES } from "@/lib/api/bench";
import { API_ROUTES } from "@/lib/api/routes";

/**
 * Every exported server action is a public POST endpoint. Each is `action(command)`: a command
 * declared with defineCommand (lib/auth/command.ts), whose requirement — a member permission, bank
 * staff, or one's own account — is read here from the declaration itself. Only these are not.
 */
const PUBLIC_ACTIONS: Record<string, string> = {
  signInAction: "signs a visitor in; rate limited per account and IP inside signInWithPassword",
  acceptInvitationAction: "the invitation's one-time token (≈ 256 bits, stored hashed, single use) is the credential",
  signOutAction: "ends the caller's own session, whatever state it is in",
  setUpAccountAction: "the set-up link's one-time token (256 bits, stored hashed, 24 hours) is the credential; rate limited per address",
};

/**
 * The commands a person runs on their own account alone, needing no member permission. A command
 * declared `self` that is not listed here fails the test: a permission check cannot quietly go.
 */
const SELF_SERVICE: Record<string, string> = {
  setFirstPin: "the first PIN, set once at first sign-in",
  switchOrganisation: "moves the caller's own session to another of their organisations",
  markNotificationsRead: "the caller's own notifications",
  signOutOtherSessions: "ends the caller's own other sessions, with their PIN",
  changePin: "the caller's own PIN, confirmed with the current one",
  changePassword: "the caller's own password, proven with the current one",
  joinOrganisation: "the invitation to the caller's own address is the authority",
  beginPasskeyRegistration: "adds to the caller's own passkeys, with their PIN or a passkey they hold",
  finishPasskeyRegistration: "answers the caller's own registration challenge, issued with their PIN",
  removePasskey: "the caller's own passkeys, with their PIN or a passkey",
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
  for (const [i, match] of starts.entries()) found.set(match[1]!, source.slice(match.index, starts[i + 1]?.index ?? source.length));
  return found;
}

interface Declared {
  definition: { requires: { permission?: string; operator?: true; self?: string }; pin: boolean };
}

/** `export const nameAction = action(command, …)` and the module the command is imported from. */
function declaredActions(source: string): { name: string; command: string; from: string }[] {
  return [...source.matchAll(/^export const (\w+) = action\((\w+)\b/gm)].map(([, name, command]) => {
    const from = new RegExp(`import \\{[^}]*\\b${command}\\b[^}]*\\} from "(@/[^"]+)"`).exec(source)?.[1];
    return { name: name!, command: command!, from: from ?? "" };
  });
}

describe("server actions", () => {
  const files = [...actionFiles("lib/actions"), ...actionFiles("app")].filter((f) => /^["']use server["']/m.test(readFileSync(f, "utf8")));

  it("finds the action files", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it("each is one declared command, unless it is public by nature", () => {
    const undeclared: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      for (const name of exportedFunctions(source).keys()) if (!(name in PUBLIC_ACTIONS)) undeclared.push(`${file}: ${name}`);
      for (const match of source.matchAll(/^export const (\w+) = (?!action\()/gm)) undeclared.push(`${file}: ${match[1]}`);
    }
    expect(undeclared).toEqual([]);
  });

  it("each command declares who may run it: a member permission, bank staff, or (listed above) one's own account", async () => {
    const undeclared: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const { name, command, from } of declaredActions(readFileSync(file, "utf8"))) {
        const module = (await import(/* @vite-ignore */ from.replace(/^@\//, "../../../"))) as Record<string, Declared | undefined>;
        const requires = module[command]?.definition?.requires;
        checked += 1;
        if (!requires) undeclared.push(`${name}: ${command} is not a declared command`);
        else if (requires.self !== undefined ? !(command in SELF_SERVICE) : !requires.permission && requires.operator !== true) {
          undeclared.push(`${name}: ${command} declares no permission`);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
    expect(undeclared).toEqual([]);
  });

  it("the public sign-out still reaches the session through the authorization helper", () => {
    const file = files.find((f) => f.endsWith("sign-out.ts"))!;
    expect(GUARDS.test(exportedFunctions(readFileSync(file, "utf8")).get("signOutAction") ?? "")).toBe(true);
  });

  it("exports nothing but actions from a 'use server' file", () => {
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      const exports = [...source.matchAll(/^export\s+(?!async\s+function|const\s+\w+\s*=\s*action\()(\S+\s+\w+)/gm)].map((m) => `${file}: ${m[1]}`);
      expect(exports).toEqual([]);
    }
  });
});

/**
 * Every route handler of the bank API is bound to its declaration with endpointHandler
 * (lib/api/handler.ts), which authenticates the key, rate-limits it and checks the endpoint's
 * permission — except these, declared with `permission: null`.
 */
const PUBLIC_ROUTES: Record<string, string> = {
  issueToken: "the OAuth token endpoint authenticates the key and the client credentials itself",
  serveOpenApi: "the API description is public",
  serveHealth: "the liveness probe says only that the process answers",
  serveReady: "the readiness probe says only whether the database answers with every migration applied",
  reportLeakedTokens:
    "a secret-scanning partner's report carries no key: it is taken only signed with a configured partner key, verified before anything is read",
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
  const modules = readdirSync("lib/api")
    .filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(path.join("lib/api", f), "utf8"))
    .join("\n");

  it("holds only handlers built with the API's one door, or public by nature", () => {
    const entries = [...API_ROUTES, ...BENCH_ROUTES];
    expect(entries.length).toBeGreaterThanOrEqual(14);
    const unguarded = entries.filter(
      (e) =>
        !(e.endpoint.permission && new RegExp(`export const ${e.name} = endpointHandler\\(API_ENDPOINTS\\.${e.name},`).test(modules)) &&
        !(e.name in PUBLIC_ROUTES),
    );
    expect(unguarded).toEqual([]);
  });
});

/** Portal routes a scraper, not a member, calls: what each checks instead of a session. */
const CHECKED_OTHERWISE: Record<string, RegExp> = {
  // GET /metrics (under `next dev`): the METRICS_TOKEN bearer, compared by serveMetrics.
  [path.join("app", "metrics", "route.ts")]: /serveMetrics\(request\)/,
};

describe("portal route handlers", () => {
  const routes = routeFiles("app").filter((file) => !file.startsWith(path.join("app", "api") + path.sep));

  it("finds them", () => {
    expect(routes).toContain(path.join("app", "(portal)", "audit", "export", "route.ts"));
  });

  it("each checks the session and permission through the authorization helper, or is named here with what it checks", () => {
    const unguarded = routes.filter((route) => {
      const source = readFileSync(route, "utf8");
      const otherwise = CHECKED_OTHERWISE[route];
      if (otherwise) return !otherwise.test(source);
      const handlers = exportedFunctions(source);
      return handlers.size === 0 || [...handlers.values()].some((body) => !GUARDS.test(body));
    });
    expect(unguarded).toEqual([]);
  });
});
