import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "__tests__" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The file an `@/…` specifier names. */
function resolve(specifier: string): string | null {
  const base = specifier.replace(/^@\//, "");
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) if (existsSync(candidate)) return candidate;
  return null;
}

/** `import { a } from "@/lib/x"` and `import x from …`, but not `import type …`: what reaches the bundle. */
function valueImports(source: string): string[] {
  return [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"(@\/lib\/[^"]+)"/gm)].map((m) => m[1]!);
}

const isServerOnly = (file: string) => /^import "server-only";/m.test(readFileSync(file, "utf8"));
const isActionFile = (file: string) => /^["']use server["']/m.test(readFileSync(file, "utf8"));

describe("import boundaries", () => {
  it("components, and client files anywhere, import from lib/ only server actions, schemas and client-safe modules", () => {
    const crossings: string[] = [];
    const clientFiles = [...sourceFiles("components"), ...sourceFiles("app").filter((f) => /^["']use client["']/m.test(readFileSync(f, "utf8")))];
    expect(clientFiles.length).toBeGreaterThan(30);
    for (const file of clientFiles) {
      for (const specifier of valueImports(readFileSync(file, "utf8"))) {
        const target = resolve(specifier);
        if (!target) crossings.push(`${file}: ${specifier} (not found)`);
        else if (!isActionFile(target) && isServerOnly(target)) crossings.push(`${file}: ${specifier} is server-only`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it("no component reaches the database", () => {
    const crossings = sourceFiles("components").filter((f) =>
      /from\s+"(@\/lib\/db(\/[^"]*)?|drizzle-orm[^"]*|pg|@electric-sql\/pglite)"/.test(readFileSync(f, "utf8")),
    );
    expect(crossings).toEqual([]);
  });

  it("app/ never imports the database: pages read through lib/query.ts", () => {
    const crossings = sourceFiles("app").filter((f) =>
      /from\s+"(@\/lib\/db(\/[^"]*)?|drizzle-orm[^"]*|pg|@electric-sql\/pglite)"/.test(readFileSync(f, "utf8")),
    );
    expect(crossings).toEqual([]);
  });

  it("client-safe modules stay client-safe: no server-only module is imported by one", () => {
    const clientSafe = sourceFiles("lib").filter((f) => !isServerOnly(f) && !isActionFile(f) && !f.startsWith(path.join("lib", "test")));
    const crossings: string[] = [];
    for (const file of clientSafe) {
      for (const specifier of valueImports(readFileSync(file, "utf8"))) {
        const target = resolve(specifier);
        if (target && isServerOnly(target)) crossings.push(`${file}: ${specifier}`);
      }
    }
    expect(crossings).toEqual([]);
  });
});
