import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import ipaddr from "ipaddr.js";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { parseTrustedProxies, resolveClientAddress } from "@/lib/http/client-address";
import {
  finalStage,
  instructions,
  readDockerfile,
  stageCmd,
  stageCopies,
  stageEnv,
  stageHealthcheck,
  stageNamed,
  stageVolumes,
} from "@/e2e/support/dockerfile";
import { freshDatabase, runScript } from "./support/fresh-database";

/**
 * The Dockerfile, compose.yaml and the README's Configuration table, read as text: no container
 * engine runs here. e2e/container.spec.ts then starts the image's files with the Dockerfile's CMD, ENV
 * and HEALTHCHECK.
 */

// ---- a reader for the YAML compose.yaml is written in -------------------------------------------
// Block mappings and sequences, plain and quoted scalars, JSON-style flow sequences, `|` blocks,
// comments, and `&anchor` / `<<: *anchor` merges. Anything else it is given makes it throw.

type Yaml = string | null | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

function parseYaml(text: string): Yaml {
  const lines = text.split("\n");
  const anchors = new Map<string, Yaml>();
  let at = 0;

  const indentOf = (line: string) => line.length - line.trimStart().length;
  const stripComment = (line: string) => {
    let quote: string | null = null;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
    }
    return line.trimEnd();
  };
  const skipBlank = () => {
    while (at < lines.length && stripComment(lines[at]!).trim() === "") at++;
  };

  function scalar(raw: string): Yaml {
    const text = raw.trim();
    if (text === "" || text === "~" || text === "null") return null;
    if (text.startsWith("*")) {
      if (!anchors.has(text.slice(1))) throw new Error(`unknown anchor ${text}`);
      return anchors.get(text.slice(1))!;
    }
    if (text.startsWith('"')) return JSON.parse(text) as string;
    if (text.startsWith("'")) return text.slice(1, -1).replaceAll("''", "'");
    if (text.startsWith("[")) {
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) throw new Error(`not a flow sequence: ${text}`);
      return parsed.map(String);
    }
    if (text.startsWith("{") || text.startsWith("&") || text.startsWith("!")) throw new Error(`not read here: ${text}`);
    return text;
  }

  function blockScalar(parentIndent: number): string {
    const body: string[] = [];
    let indent: number | null = null;
    while (at < lines.length) {
      const line = lines[at]!;
      if (line.trim() !== "") {
        if (indentOf(line) <= parentIndent) break;
        indent ??= indentOf(line);
      }
      body.push(line);
      at++;
    }
    while (body.length && body.at(-1)!.trim() === "") body.pop();
    return `${body.map((line) => line.slice(indent ?? 0)).join("\n")}\n`;
  }

  function value(rest: string, indent: number): Yaml {
    let text = rest.trim();
    let anchor: string | null = null;
    const anchored = /^&(\S+)\s*(.*)$/.exec(text);
    if (anchored) {
      anchor = anchored[1]!;
      text = anchored[2]!;
    }
    let result: Yaml;
    if (text === "|") result = blockScalar(indent);
    else if (text === "") {
      skipBlank();
      result = at < lines.length && indentOf(lines[at]!) > indent ? block(indentOf(lines[at]!)) : null;
    } else result = scalar(text);
    if (anchor) anchors.set(anchor, result);
    return result;
  }

  function block(indent: number): Yaml {
    skipBlank();
    return stripComment(lines[at]!).trimStart().startsWith("- ") ? sequence(indent) : mapping(indent);
  }

  function mapping(indent: number, firstLine?: string): YamlMap {
    const map: YamlMap = {};
    let pendingFirst = firstLine;
    while (true) {
      let line: string;
      if (pendingFirst !== undefined) {
        line = pendingFirst;
        pendingFirst = undefined;
      } else {
        skipBlank();
        if (at >= lines.length) break;
        line = stripComment(lines[at]!);
        if (indentOf(line) < indent) break;
        if (indentOf(line) > indent) throw new Error(`unexpected indentation at line ${at + 1}: ${line}`);
        if (line.trimStart().startsWith("- ")) break;
      }
      at++;
      const match = /^([^\s:][^:]*?|"[^"]*"):(?:\s+(.*))?$/.exec(line.trim());
      if (!match) throw new Error(`not a mapping entry at line ${at}: ${line}`);
      const key = match[1]!.startsWith('"') ? (JSON.parse(match[1]!) as string) : match[1]!;
      const entry = value(match[2] ?? "", indent);
      if (key === "<<") {
        if (!entry || typeof entry !== "object" || Array.isArray(entry)) throw new Error("<< merges a mapping");
        Object.assign(map, entry);
      } else map[key] = entry;
    }
    return map;
  }

  function sequence(indent: number): Yaml[] {
    const items: Yaml[] = [];
    while (true) {
      skipBlank();
      if (at >= lines.length) break;
      const line = stripComment(lines[at]!);
      if (indentOf(line) !== indent || !line.trimStart().startsWith("- ")) break;
      const item = line.trimStart().slice(2);
      if (/^[^\s:"'[][^:]*:(\s|$)/.test(item)) {
        // `- key: value` opens a mapping whose entries sit two columns in.
        items.push(mapping(indent + 2, `${" ".repeat(indent + 2)}${item}`));
      } else {
        at++;
        items.push(scalar(item));
      }
    }
    return items;
  }

  const document = block(0);
  skipBlank();
  if (at < lines.length) throw new Error(`not read past line ${at + 1}: ${lines[at]}`);
  return document;
}

// ---- what the tests read -----------------------------------------------------------------------

const stages = readDockerfile();
const runtime = finalStage(stages);
const compose = parseYaml(readFileSync("compose.yaml", "utf8")) as YamlMap;
const services = compose.services as Record<string, YamlMap>;
const envSource = readFileSync("lib/env.ts", "utf8");
/** The variables lib/env.ts declares: the keys of its zod object, one per line. */
const declared = [...envSource.matchAll(/^ {4}([A-Z][A-Z0-9_]*): z\b/gm)].map((m) => m[1]!);
/** Read by the scripts themselves (scripts/start.mjs, scripts/serve.mjs), not by lib/env.ts. */
const SCRIPT_VARIABLES = ["PORT", "HOSTNAME_BIND", "NODE_ENV"];

const asMap = (value: Yaml | undefined): YamlMap => (value && typeof value === "object" && !Array.isArray(value) ? value : {});
/** The services built from this repository's Dockerfile: the Latchkey instances. */
const instances = Object.entries(services).filter(([, service]) => service.build === ".");
const environmentOf = (service: YamlMap) => asMap(service.environment) as Record<string, string>;

describe("the Dockerfile", () => {
  it("builds in stages: the final one takes the build from an earlier stage", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const named = stages.map((s) => s.name);
    const fromStages = stageCopies(runtime).filter((c) => c.from !== null);
    expect(fromStages.map((c) => c.sources.join(" "))).toEqual(expect.arrayContaining([expect.stringMatching(/\.next$/)]));
    for (const copy of fromStages) expect(named).toContain(copy.from);
  });

  it("installs with npm ci from the copied lock file, and the final stage has production dependencies only", () => {
    for (const stage of stages.filter((s) => s.instructions.some((i) => i.keyword === "RUN" && /\bnpm (ci|install)\b/.test(i.args)))) {
      const runs = stage.instructions.map((i) => `${i.keyword} ${i.args}`);
      const install = runs.findIndex((line) => /^RUN .*\bnpm (ci|install)\b/.test(line));
      expect(runs[install], "npm ci, never npm install: the lock file decides every version").toMatch(/\bnpm ci\b/);
      const lockCopied = runs.findIndex((line) => /^COPY .*\bpackage-lock\.json\b/.test(line));
      expect(lockCopied, `stage ${stage.name} copies package-lock.json before installing`).toBeGreaterThanOrEqual(0);
      expect(lockCopied).toBeLessThan(install);
    }
    // The final stage installs nothing itself; its node_modules come from a stage that omitted the devDependencies.
    expect(instructions(runtime, "RUN").filter((r) => /\bnpm\b/.test(r.args))).toEqual([]);
    const modules = stageCopies(runtime).filter((c) => c.sources.some((s) => /(^|\/)node_modules$/.test(s)));
    expect(modules).toHaveLength(1);
    const deps = stageNamed(stages, modules[0]!.from!);
    expect(instructions(deps, "RUN").map((r) => r.args)).toEqual(expect.arrayContaining([expect.stringMatching(/\bnpm ci\b.*--omit=dev\b/)]));
    // Nothing else brings node_modules in: the context copies name their files, and .dockerignore leaves node_modules out.
    expect(stageCopies(runtime).filter((c) => c.from === null && c.sources.includes("."))).toEqual([]);
  });

  it("keeps local installs, builds, data and secrets out of the build context", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split("\n");
    for (const entry of ["node_modules", ".next", ".data", ".env", ".env.*"]) expect(ignored).toContain(entry);
  });

  it("runs as a user other than root", () => {
    const user = instructions(runtime, "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it("keeps the data folder on a volume", () => {
    const env = stageEnv(runtime);
    expect(env.LATCHKEY_DATA_DIR).toMatch(/^\//);
    expect(stageVolumes(runtime)).toContain(env.LATCHKEY_DATA_DIR);
  });

  it("checks its health on /api/ready with node itself (no curl in a slim image), on the port the server was given", () => {
    const { command, options } = stageHealthcheck(runtime);
    expect(command[0]).toBe("node");
    expect(command.join(" ")).toContain("/api/ready");
    expect(command.join(" ")).toContain("process.env.PORT");
    expect(command.join(" ")).not.toMatch(/\b(curl|wget)\b/);
    expect(options).toHaveProperty("timeout");
  });

  it("starts with `npm start`'s command, serving the image's build and never building", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    const cmd = stageCmd(runtime);
    expect(cmd.slice(0, 2).join(" ")).toBe(pkg.scripts.start);
    expect(cmd.slice(2)).toEqual(["--prebuilt"]);
    expect(Number(stageEnv(runtime).PORT)).toBeGreaterThan(0);
  });

  it("sets only variables that lib/env.ts declares or the start scripts read", () => {
    expect(declared.length).toBeGreaterThanOrEqual(20);
    for (const stage of stages) for (const name of Object.keys(stageEnv(stage))) expect([...declared, ...SCRIPT_VARIABLES]).toContain(name);
    expect(stageEnv(runtime).NODE_ENV).toBe("production");
  });
});

describe("npm start --prebuilt", () => {
  it("stops at once, touching nothing, when there is no build to serve", () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "latchkey-prebuilt-"));
    try {
      const started = spawnSync(process.execPath, [path.resolve("scripts/start.mjs"), "--prebuilt"], {
        cwd: empty,
        env: { PATH: process.env.PATH, NODE_ENV: "production", LATCHKEY_DATA_DIR: path.join(empty, "data") },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(started.status).toBe(1);
      expect(started.stderr).toContain("--prebuilt: there is no production build here");
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("compose.yaml", () => {
  it("runs PostgreSQL 15 or later and Redis", () => {
    const postgres = Object.values(services).find((s) => String(s.image).startsWith("postgres:"));
    expect(Number(/^postgres:(\d+)/.exec(String(postgres?.image))?.[1])).toBeGreaterThanOrEqual(15);
    expect(Object.values(services).some((s) => String(s.image).startsWith("redis:"))).toBe(true);
  });

  it("runs two Latchkey instances on the same database and Redis, sharing one AUTH_SECRET that must be given", () => {
    expect(instances).toHaveLength(2);
    const [first, second] = instances.map(([, service]) => environmentOf(service));
    expect(first!.AUTH_SECRET).toBe(second!.AUTH_SECRET);
    // A reference compose refuses to start without: each instance generating its own would sign everyone out at every other request.
    expect(first!.AUTH_SECRET).toMatch(/^\$\{AUTH_SECRET:\?/);
    for (const name of ["DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL"]) {
      expect(first![name]).toBeTruthy();
      expect(second![name]).toBe(first![name]);
    }
    expect(services[new URL(first!.REDIS_URL!).hostname]?.image).toMatch(/^redis:/);
    expect(services[new URL(first!.DATABASE_URL!.replace(/\$\{[^}]*\}/g, "x")).hostname]?.image).toMatch(/^postgres:/);
  });

  it("migrates as the tables' owner and serves as a role of its own, which the database is made with", () => {
    const env = environmentOf(instances[0]![1]);
    const user = (url: string) => new URL(url.replace(/\$\{[^}]*\}/g, "x")).username;
    const postgres = Object.values(services).find((s) => String(s.image).startsWith("postgres:"))!;
    expect(user(env.MIGRATION_DATABASE_URL!)).toBe(asMap(postgres.environment).POSTGRES_USER);
    expect(user(env.DATABASE_URL!)).not.toBe(user(env.MIGRATION_DATABASE_URL!));
    const content = String(asMap(asMap(compose.configs)["app-role"]).content);
    expect(content).toContain(`CREATE ROLE ${user(env.DATABASE_URL!)} LOGIN`);
    expect(postgres.configs).toEqual([{ source: "app-role", target: expect.stringMatching(/^\/docker-entrypoint-initdb\.d\/.+\.sql$/) }]);
  });

  it("starts the second instance once the first is healthy, so that one migrates at a time", () => {
    const [[firstName], [, second]] = instances as [[string, YamlMap], [string, YamlMap]];
    expect(asMap(asMap(second.depends_on)[firstName])).toEqual({ condition: "service_healthy" });
  });

  it("puts a reverse proxy in front: the only published port, with LATCHKEY_TRUSTED_PROXIES naming its fixed address and nothing else able to take it", () => {
    for (const [, service] of instances) expect(service.ports).toBeUndefined();
    const proxies = Object.entries(services).filter(([, s]) => /^(caddy|nginx)(:|$)/.test(String(s.image)));
    expect(proxies).toHaveLength(1);
    const [, proxy] = proxies[0]!;
    expect(proxy.ports).toHaveLength(1);

    // Its configuration file (mounted from this repository) sends requests to both instances on the image's port.
    const mount = (proxy.volumes as string[]).find((v) => v.startsWith("./"))!;
    const config = readFileSync(mount.split(":")[0]!, "utf8");
    for (const [name] of instances) expect(config).toContain(`${name}:${stageEnv(runtime).PORT}`);
    expect(config).toContain("/api/ready");

    const address = String(asMap(asMap(proxy.networks).default).ipv4_address);
    const ipam = (asMap(asMap(asMap(compose.networks).default).ipam).config as YamlMap[])[0]!;
    const parsed = ipaddr.parse(address);
    expect(parsed.match(ipaddr.parseCIDR(String(ipam.subnet)))).toBe(true);
    expect(parsed.match(ipaddr.parseCIDR(String(ipam.ip_range))), "outside the range other containers are given").toBe(false);
    for (const [, service] of instances) {
      const trusted = parseTrustedProxies(environmentOf(service).LATCHKEY_TRUSTED_PROXIES);
      // A request through the proxy counts as the client's; one from any other container as that container's.
      expect(resolveClientAddress(address, "203.0.113.7", trusted)).toBe("203.0.113.7");
      expect(resolveClientAddress("10.89.0.200", "203.0.113.7", trusted)).toBe("10.89.0.200");
    }
  });

  it("gives requests in flight longer to finish than the server's shutdown wait", () => {
    const shutdownDefault = Number(/LATCHKEY_SHUTDOWN_SECONDS: z[^\n]*\.default\((\d+)\)/.exec(envSource)?.[1]);
    expect(shutdownDefault).toBeGreaterThan(0);
    for (const [, service] of instances) {
      const grace = /^(\d+)s$/.exec(String(service.stop_grace_period))?.[1];
      const configured = Number(environmentOf(service).LATCHKEY_SHUTDOWN_SECONDS ?? shutdownDefault);
      expect(Number(grace)).toBeGreaterThan(configured);
    }
  });

  it("sets only variables that lib/env.ts declares or the start scripts read", () => {
    for (const [, service] of instances) for (const name of Object.keys(environmentOf(service))) expect([...declared, ...SCRIPT_VARIABLES]).toContain(name);
  });
});

describe("compose.yaml's application role, on the database it is made with", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("reads and writes the tables the migrations create afterwards, reads the migrations table, and can neither alter nor drop the audit log", async () => {
    const database = await freshDatabase();
    const role = `latchkey_ct_${process.pid}_${randomBytes(3).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    cleanup.push(async () => {
      await database.dispose();
      if (database.url) {
        const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await admin.connect();
        await admin.query(`drop role if exists ${role}`);
        await admin.end();
      }
    });
    // The config's statements, as PostgreSQL's image runs them when it makes the database: before any migration.
    const content = String(asMap(asMap(compose.configs)["app-role"]).content)
      .replaceAll("latchkey_app", role)
      .replace(/\$\{LATCHKEY_DB_PASSWORD[^}]*\}/g, password);
    const statements = content
      .split(/;\s*\n/)
      .map((s) => s.trim())
      .filter(Boolean);
    await database.use(async (db) => {
      for (const statement of statements) await db.execute(sql.raw(statement));
    });
    const migrated = runScript("scripts/db.ts", ["migrate"], database.env());
    expect(migrated.status, migrated.stderr).toBe(0);

    const migrations = readdirSync("drizzle").filter((f) => f.endsWith(".sql")).length;
    const refusal = (run: () => Promise<unknown>) =>
      run().then(
        () => null,
        (error: { code?: string; cause?: { code?: string } }) => error.cause?.code ?? error.code ?? String(error),
      );
    const checks = async (execute: (statement: string) => Promise<unknown>) => ({
      migrations: ((await execute("select count(*)::int as n from applied_migrations")) as { rows: { n: number }[] }).rows[0]!.n,
      reads: await refusal(() => execute("select count(*) from users")),
      writes: await refusal(() => execute("update organisations set name = name where false")),
      disablesTrigger: await refusal(() => execute("alter table audit_events disable trigger user")),
      drops: await refusal(() => execute("drop table audit_events")),
    });
    let seen: Awaited<ReturnType<typeof checks>>;
    if (database.url) {
      const url = new URL(database.url);
      url.username = role;
      url.password = password;
      const handle = openDatabase({ url: url.toString() });
      try {
        seen = await checks((statement) => handle.db.execute(sql.raw(statement)));
      } finally {
        await handle.close();
      }
    } else {
      // PGlite's one connection is a superuser's: become the role, with the same privilege checks.
      seen = await database.use(async (db) => {
        await db.execute(sql.raw(`set role ${role}`));
        return checks((statement) => db.execute(sql.raw(statement)));
      });
    }
    expect(seen).toEqual({ migrations, reads: null, writes: null, disablesTrigger: "42501", drops: "42501" });
  }, 120_000);
});

describe("README", () => {
  const readme = readFileSync("README.md", "utf8");
  const section = (title: string) => {
    const start = readme.indexOf(`\n## ${title}\n`);
    expect(start, `README has a "${title}" section`).toBeGreaterThan(0);
    const end = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
  };

  it("lists every variable lib/env.ts declares in its Configuration table, with the default lib/env.ts gives it", () => {
    const rows = new Map(
      [...section("Configuration").matchAll(/^\| `([A-Z][A-Z0-9_]*)`\s*\|([^|]*)\|/gm)].map((m) => [m[1]!, m[2]!.trim()] as [string, string]),
    );
    for (const name of declared) {
      expect(rows.has(name), `${name} is in the Configuration table`).toBe(true);
      const fallback = new RegExp(`^ {4}${name}: z[^\\n]*\\.default\\(("?)([^)"]*)\\1\\)`, "m").exec(envSource)?.[2];
      if (fallback !== undefined) expect(rows.get(name), `${name}'s default`).toContain(`\`${fallback}\``);
    }
  });

  it("documents the deployment: the image's start, the probes, the metrics and the logs", () => {
    const deploying = section("Deploying");
    for (const text of ["/api/health", "/api/ready", "/metrics", "METRICS_TOKEN", "LOG_LEVEL", "LATCHKEY_SHUTDOWN_SECONDS", "compose.yaml", "--prebuilt"]) {
      expect(deploying).toContain(text);
    }
    expect(deploying).toContain(`\`${stageCmd(runtime).join(" ")}\``);
    section("Operations");
  });

  it("names files that exist", () => {
    for (const file of ["Dockerfile", "compose.yaml", "deploy/Caddyfile"]) {
      expect(readme).toContain(file);
      expect(existsSync(file)).toBe(true);
    }
  });
});
