import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoCredentialsFile } from "@/lib/demo/credentials-file";
import { demoDecision, PRODUCTION_DEMO_WARNING, type DemoSettings } from "@/lib/demo/policy";

describe("whether the demo belongs in a database", () => {
  const cases: [DemoSettings, boolean][] = [
    // npm start
    [{ embedded: true, nodeEnv: "development" }, true],
    [{ embedded: true, nodeEnv: "development", demo: "0" }, false],
    [{ embedded: false, nodeEnv: "development" }, false],
    [{ embedded: false, nodeEnv: "development", demo: "1" }, true],
    [{ embedded: true, nodeEnv: "production" }, false],
    [{ embedded: false, nodeEnv: "production" }, false],
    [{ embedded: true, nodeEnv: "production", demo: "0" }, false],
    [{ embedded: false, nodeEnv: "production", demo: "1" }, true],
    // npm run db:seed: asked for by name
    [{ embedded: false, nodeEnv: "development", requested: true }, true],
    [{ embedded: false, nodeEnv: "development", requested: true, demo: "0" }, false],
    [{ embedded: false, nodeEnv: "production", requested: true }, false],
    [{ embedded: true, nodeEnv: "production", requested: true, demo: "1" }, true],
  ];
  it.each(cases)("%o → seed: %s", (settings, seed) => {
    expect(demoDecision(settings).seed).toBe(seed);
  });

  it("warns loudly when production gets the demo, and only then", () => {
    expect(demoDecision({ embedded: false, nodeEnv: "production", demo: "1" })).toEqual({ seed: true, warning: PRODUCTION_DEMO_WARNING });
    for (const [settings] of cases.filter(([s, seed]) => seed && s.nodeEnv !== "production")) expect(demoDecision(settings)).toEqual({ seed: true });
  });

  it("keeps each database's client secrets in a file of its own in the data folder", () => {
    expect(demoCredentialsFile(".data")).toBe(path.resolve(".data/demo-applications.json"));
    expect(demoCredentialsFile("/srv/latchkey", "postgres://app:s3cret@db.internal:6432/latchkey")).toBe(
      "/srv/latchkey/demo-applications.db.internal-6432-latchkey.json",
    );
    expect(demoCredentialsFile("/d", "postgres://u@127.0.0.1/a%2F..%2Fb")).toBe("/d/demo-applications.127.0.0.1-5432-a_.._b.json");
  });
});
