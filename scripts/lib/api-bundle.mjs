// Bundles lib/api for the lean API server: TypeScript compiled, `@/` resolved, `server-only`
// satisfied, every package left to node_modules so the process shares them with Next.
import path from "node:path";
import { build } from "esbuild";

export const API_BUNDLE = path.join(".next", "latchkey-api", "entry.mjs");

export async function bundleApi() {
  const root = process.cwd();
  await build({
    entryPoints: ["lib/api/entry.ts"],
    outfile: API_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
    alias: { "server-only": path.join(root, "scripts/lib/empty.mjs") },
    tsconfig: path.join(root, "tsconfig.json"),
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  bundleApi().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
