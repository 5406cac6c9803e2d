import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // Domain modules are server-only; tests run them on the server side of things.
      "server-only": path.join(root, "lib/test/server-only-stub.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
    setupFiles: ["lib/test/setup-database.ts"],
    // Log lines go nowhere unless a test captures them (lib/test/output.ts).
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" },
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 90_000,
    reporters: process.env.LATCHKEY_VITEST_JSON ? ["default", ["json", { outputFile: process.env.LATCHKEY_VITEST_JSON }]] : ["default"],
  },
});
