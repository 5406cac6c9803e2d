/**
 * Whether the demo organisations and their people (whose password and PINs are published in the
 * README) belong in a database. Seeding them into a real bank's database would open it to anyone
 * who has read the README, so the default is narrow: the embedded database of a local try-out.
 */
export interface DemoSettings {
  /** The database is the embedded PGlite one (no DATABASE_URL). */
  embedded: boolean;
  nodeEnv: "development" | "production" | "test";
  /** LATCHKEY_DEMO, unset when absent. */
  demo?: "0" | "1";
  /** The demo was asked for by name (`npm run db:seed`) rather than by `npm start`. */
  requested?: boolean;
}

export type DemoDecision = { seed: true; warning?: string } | { seed: false; reason: string };

export const PRODUCTION_DEMO_WARNING =
  "WARNING: LATCHKEY_DEMO=1 with NODE_ENV=production: the demo people, whose password and PINs are published in the README (a bank operator among them), are in this database. Anyone who can reach this server can sign in as them. Never do this with real customers' data.";

export function demoDecision(settings: DemoSettings): DemoDecision {
  if (settings.demo === "0") return { seed: false, reason: "LATCHKEY_DEMO=0" };
  if (settings.nodeEnv === "production") {
    return settings.demo === "1"
      ? { seed: true, warning: PRODUCTION_DEMO_WARNING }
      : { seed: false, reason: "NODE_ENV=production; set LATCHKEY_DEMO=1 to seed it anyway" };
  }
  if (settings.demo === "1" || settings.requested || settings.embedded) return { seed: true };
  return { seed: false, reason: "PostgreSQL gets the demo only with LATCHKEY_DEMO=1" };
}
