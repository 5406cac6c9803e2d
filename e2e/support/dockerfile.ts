import { readFileSync } from "node:fs";

/**
 * The Dockerfile as the tests read it: its stages and their instructions, continuation lines joined
 * and comments dropped, as Docker's parser does. Enough for the instructions this project's
 * Dockerfile uses; anything else it cannot read makes the tests fail rather than guess.
 */
export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
}

export interface Stage {
  name: string | null;
  image: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const joined = (pending + line).trim();
    pending = "";
    if (joined) logical.push(joined);
  }
  if (pending.trim()) throw new Error("The Dockerfile ends inside a continued line.");

  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === "FROM") {
      const [, image = "", name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ name: name ?? null, image, instructions: [] });
    } else if (instruction.keyword !== "ARG" || stages.length > 0) {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${instruction.keyword} before the first FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

export function readDockerfile(file = "Dockerfile"): Stage[] {
  return parseDockerfile(readFileSync(file, "utf8"));
}

/** A stage with the instructions it inherits through `FROM <earlier stage>` before its own. */
function withInherited(stages: Stage[], stage: Stage): Stage {
  const parent = stages.slice(0, stages.indexOf(stage)).find((s) => s.name === stage.image);
  return parent ? { ...stage, instructions: [...withInherited(stages, parent).instructions, ...stage.instructions] } : stage;
}

/** The stage the image runs: the last one. */
export function finalStage(stages: Stage[]): Stage {
  const stage = stages.at(-1);
  if (!stage) throw new Error("The Dockerfile has no FROM.");
  return withInherited(stages, stage);
}

/** A stage by name. */
export function stageNamed(stages: Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`No stage named ${name}`);
  return withInherited(stages, stage);
}

export function instructions(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** Splits on whitespace, keeping double- or single-quoted words whole (quotes removed). */
function words(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

/** The stage's ENV, in the `NAME=value` form (the legacy `ENV NAME value` form is refused). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructions(stage, "ENV")) {
    for (const word of words(args)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
      if (!match) throw new Error(`ENV ${args}: write it as NAME=value`);
      env[match[1]!] = match[2]!;
    }
  }
  return env;
}

/** An exec-form (JSON array) command, as CMD and HEALTHCHECK … CMD take it. */
function execForm(text: string, what: string): string[] {
  if (!text.startsWith("[")) throw new Error(`${what} must use the exec form (a JSON array): ${text}`);
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === "string") || parsed.length === 0) {
    throw new Error(`${what} is not a JSON array of strings: ${text}`);
  }
  return parsed;
}

export function stageCmd(stage: Stage): string[] {
  const cmd = instructions(stage, "CMD").at(-1);
  if (!cmd) throw new Error("The final stage has no CMD.");
  return execForm(cmd.args, "CMD");
}

export interface Healthcheck {
  options: Record<string, string>;
  command: string[];
}

export function stageHealthcheck(stage: Stage): Healthcheck {
  const check = instructions(stage, "HEALTHCHECK").at(-1);
  if (!check) throw new Error("The final stage has no HEALTHCHECK.");
  const match = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(.*)$/s.exec(check.args);
  if (!match) throw new Error(`HEALTHCHECK ${check.args}: expected [--option=value …] CMD [...]`);
  const options = Object.fromEntries(words(match[1]!).map((option) => option.slice(2).split("=") as [string, string]));
  return { options, command: execForm(match[2]!, "HEALTHCHECK CMD") };
}

export function stageVolumes(stage: Stage): string[] {
  return instructions(stage, "VOLUME").flatMap(({ args }) => (args.startsWith("[") ? execForm(args, "VOLUME") : words(args)));
}

export interface Copy {
  /** The stage copied from, or null for the build context. */
  from: string | null;
  chown: string | null;
  sources: string[];
  destination: string;
}

export function stageCopies(stage: Stage): Copy[] {
  return instructions(stage, "COPY").map(({ args }) => {
    const parts = words(args);
    const flags = parts.filter((part) => part.startsWith("--"));
    const paths = parts.filter((part) => !part.startsWith("--"));
    const flag = (name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
    const destination = paths.pop();
    if (!destination || paths.length === 0) throw new Error(`COPY ${args}: expected sources and a destination`);
    return { from: flag("from"), chown: flag("chown"), sources: paths, destination };
  });
}

export function stageWorkdir(stage: Stage): string {
  const workdir = instructions(stage, "WORKDIR").at(-1)?.args;
  return workdir ?? "/";
}
