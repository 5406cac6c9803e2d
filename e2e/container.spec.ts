import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import {
  finalStage,
  instructions,
  readDockerfile,
  type Stage,
  stageCmd,
  stageCopies,
  stageEnv,
  stageHealthcheck,
  stageNamed,
  stageVolumes,
  stageWorkdir,
} from "./support/dockerfile";

/**
 * The image, as far as it can be run without a container engine: the final stage's files laid out in
 * a folder as its COPY lines say (production dependencies only — the lock file's dev packages taken
 * out, Tailwind and TypeScript with them — the build the test suite made, and the sources from the
 * build context less .dockerignore), then started with the Dockerfile's CMD and ENV, a temporary
 * folder standing for the data volume and a free port for PORT. Its HEALTHCHECK command is run as
 * Docker runs it, and the server is stopped as `docker stop` stops it.
 */
const root = process.cwd();
const stages = readDockerfile(path.join(root, "Dockerfile"));
const runtime = finalStage(stages);

/** .dockerignore's patterns as one test on a path relative to the build context. */
function dockerignored(): (relative: string) => boolean {
  const patterns = readFileSync(path.join(root, ".dockerignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  if (patterns.some((p) => p.startsWith("!"))) throw new Error(".dockerignore exceptions (!) are not modelled here");
  const expressions = patterns.map((pattern) => {
    const source = pattern
      .replace(/^\/+|\/+$/g, "")
      .split(/(\*\*\/|\*|\?)/)
      .map((part) => (part === "**/" ? "(?:.*/)?" : part === "*" ? "[^/]*" : part === "?" ? "[^/]" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("");
    return new RegExp(`^${source}$`);
  });
  return (relative) => expressions.some((expression) => expression.test(relative));
}

/** What `npm ci --omit=dev` leaves: node_modules less every package the lock file marks as dev only. Hard links, never written to. */
function productionDependencies(stage: Stage, target: string) {
  const installs = instructions(stage, "RUN").filter((run) => /\bnpm ci\b/.test(run.args));
  if (installs.length !== 1 || !/--omit=dev\b/.test(installs[0]!.args)) {
    throw new Error(`node_modules must come from a stage that runs \`npm ci --omit=dev\` (stage ${stage.name})`);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  const copied = spawnSync("cp", ["-al", path.join(root, "node_modules"), target], { encoding: "utf8" });
  if (copied.status !== 0) throw new Error(`cp -al node_modules: ${copied.stderr}`);
  // Only names are removed (unlinked) below: the files they point to are the worktree's and stay as they are.
  rmSync(path.join(target, ".package-lock.json"), { force: true });
  const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location && entry.dev) rmSync(path.join(target, location.replace(/^node_modules\//, "")), { recursive: true, force: true });
  }
}

/** Lays out the final stage's files in `image` (standing for its WORKDIR), as its COPY lines say. */
function layOutImage(image: string) {
  const workdir = stageWorkdir(runtime);
  const ignored = dockerignored();
  for (const copy of stageCopies(runtime)) {
    const destination = path.join(image, path.posix.relative(workdir, path.posix.resolve(workdir, copy.destination)));
    const intoFolder = copy.destination.endsWith("/") || copy.sources.length > 1;
    for (const source of copy.sources) {
      let from: string;
      if (copy.from) {
        // From an earlier stage: its node_modules as installed there; anything else is what the
        // build stage made, which is this worktree's production build.
        const stage = stageNamed(stages, copy.from);
        const relative = path.posix.relative(stageWorkdir(stage), source);
        if (relative === "node_modules") {
          productionDependencies(stage, destination);
          continue;
        }
        from = path.join(root, relative);
      } else {
        if (ignored(source)) throw new Error(`COPY ${source}: .dockerignore leaves it out of the build context`);
        from = path.join(root, source);
      }
      if (!existsSync(from)) throw new Error(`COPY ${source}: there is no ${from}`);
      const to = statSync(from).isDirectory() || !intoFolder ? destination : path.join(destination, path.basename(source));
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(from, to, {
        recursive: true,
        verbatimSymlinks: true,
        filter: (file) => {
          const relative = path.relative(root, file);
          // Next's build cache is removed in the build stage; the context's exclusions apply to context copies.
          return relative !== path.join(".next", "cache") && (copy.from !== null || !ignored(relative));
        },
      });
    }
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const base = Number(process.env.E2E_PORT ?? 3100);
  for (let port = base + 50; port < base + 100; port++) if (await canListen(port)) return port;
  throw new Error(`No free port between ${base + 50} and ${base + 99}`);
}

const seconds = (value: string | undefined, fallback: number) => (value ? Number(/^(\d+)s$/.exec(value)?.[1] ?? Number.NaN) : fallback);

/** Runs the HEALTHCHECK's command as Docker does: in the container's environment, killed after its timeout. */
function runHealthcheck(env: Record<string, string>, cwd: string): Promise<number> {
  const { command, options } = stageHealthcheck(runtime);
  const timeout = seconds(options.timeout, 30);
  return new Promise((resolve) => {
    const check = spawn(command[0]!, command.slice(1), { env: env as NodeJS.ProcessEnv, cwd, stdio: "ignore" });
    const timer = setTimeout(() => check.kill("SIGKILL"), timeout * 1000);
    check.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

function exited(child: ChildProcess, boundMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => reject(new Error(`no exit within ${boundMs / 1000} s`)), boundMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

test.describe("the container image's start, run from the final stage's files", () => {
  test("starts with the Dockerfile's CMD and ENV, is healthy by its own HEALTHCHECK, never builds, and stops on SIGTERM with exit code 0", async () => {
    // Hang bounds: laying out the files, a first migration of an empty embedded database, Next's start.
    test.setTimeout(240_000);
    const work = mkdtempSync(path.join(os.tmpdir(), "latchkey-image-"));
    const image = path.join(work, "app");
    const volume = path.join(work, "volume");
    mkdirSync(volume);
    let server: ChildProcess | null = null;
    try {
      layOutImage(image);
      expect(existsSync(path.join(image, "node_modules", "next")), "next is a production dependency").toBe(true);
      for (const tool of ["tailwindcss", "typescript"]) expect(existsSync(path.join(image, "node_modules", tool)), `${tool} is not in the image`).toBe(false);

      // The build looks stale, as an image's may (its sources are as new as the build or newer): only
      // --prebuilt keeps the start from building, which could not work here without the build tools.
      const buildId = path.join(image, ".next", "BUILD_ID");
      const longAgo = new Date("2020-01-01T00:00:00Z");
      for (const file of [buildId, path.join(image, ".next", "latchkey-api", "entry.mjs")]) utimesSync(file, longAgo, longAgo);
      const before = { id: readFileSync(buildId, "utf8"), mtime: statSync(buildId).mtimeMs };

      const port = await freePort();
      const volumes = stageVolumes(runtime);
      const imageEnv = stageEnv(runtime);
      expect(volumes, "the data folder is a volume").toContain(imageEnv.LATCHKEY_DATA_DIR);
      // What a container has besides the image's ENV: a PATH (to this node) and a HOME.
      const containerEnv: Record<string, string> = { PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`, HOME: os.homedir() };
      for (const [name, value] of Object.entries(imageEnv)) containerEnv[name] = volumes.includes(value) ? volume : value;
      containerEnv.PORT = String(port);

      // Nothing listens yet: the healthcheck says so.
      expect(await runHealthcheck(containerEnv, image)).not.toBe(0);

      const cmd = stageCmd(runtime);
      let output = "";
      // Its own process group, so that a failed test can end the server the start spawned as well.
      server = spawn(cmd[0]!, cmd.slice(1), { cwd: image, env: containerEnv as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
      server.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      server.stderr?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });

      const started = server;
      // Docker's view: healthy once the HEALTHCHECK command exits 0. A start that ends first has failed.
      const deadline = Date.now() + 180_000;
      while ((await runHealthcheck(containerEnv, image)) !== 0) {
        if (started.exitCode !== null || Date.now() > deadline) {
          const ready = await fetch(`http://127.0.0.1:${port}/api/ready`).then(
            (r) => `GET /api/ready answers ${r.status}`,
            () => "nothing answers",
          );
          const failure = started.exitCode !== null ? `The start exited with ${started.exitCode}` : `The HEALTHCHECK never passed (${ready})`;
          throw new Error(`${failure}\n--- its output ---\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }

      // The portal is served from the image's build.
      const signIn = await fetch(`http://127.0.0.1:${port}/sign-in`);
      expect(signIn.status).toBe(200);
      expect(await signIn.text()).toContain("Sign in");

      expect(output).not.toMatch(/Building the portal|Sources changed since the last build/);
      expect({ id: readFileSync(buildId, "utf8"), mtime: statSync(buildId).mtimeMs }, "the start did not rebuild").toEqual(before);
      // The embedded database and the generated AUTH_SECRET are in the volume, and the image is production: no demo.
      expect(existsSync(path.join(volume, "pglite")), "the embedded database is in the volume").toBe(true);
      expect(statSync(path.join(volume, "auth-secret")).mode & 0o777).toBe(0o600);
      expect(output).toContain("Demo data: not seeded");

      // `docker stop`: SIGTERM to the start command, which hands it to the server and exits with its code.
      started.kill("SIGTERM");
      expect(await exited(started, 60_000)).toEqual({ code: 0, signal: null });
      server = null;
      expect(await runHealthcheck(containerEnv, image), "nothing answers once stopped").not.toBe(0);
    } finally {
      if (server?.pid && server.exitCode === null) {
        process.kill(-server.pid, "SIGKILL");
        await exited(server, 10_000).catch(() => {});
      }
      rmSync(work, { recursive: true, force: true });
    }
  });
});
