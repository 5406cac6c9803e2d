import net from "node:net";
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD } from "@/lib/demo/people";
import { screenshot } from "./support/fixtures";
import { type FreshDatabase, freshPostgresDatabase, prepareDatabase, type RunningServer, startServer, temporaryFolder } from "./support/servers";

/**
 * The portal with its database gone. This spec runs its own production server on PostgreSQL reached
 * through a TCP relay it controls (the suite's server owns an embedded database no test can stop):
 * closing the relay is the outage, reopening it the recovery.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100) + 500;
const BASE = `http://localhost:${PORT}`;

/** Forwards connections to PostgreSQL until stopped; stopping also cuts the open ones. */
class Relay {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(port = 0): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

test.describe("the portal with its database down", () => {
  test.setTimeout(300_000);
  let database: FreshDatabase;
  let relay: Relay;
  let server: RunningServer | null = null;

  test.beforeAll(async () => {
    database = await freshPostgresDatabase("outage");
    const direct = new URL(database.url);
    relay = new Relay({ host: direct.hostname, port: Number(direct.port || 5432) });
    const env = { DATABASE_URL: database.url, LATCHKEY_DEMO: "1", LATCHKEY_DATA_DIR: temporaryFolder("outage") };
    await prepareDatabase(env, { fixtures: false });

    await relay.start();
    const viaRelay = new URL(direct);
    viaRelay.host = `127.0.0.1:${relay.port}`;
    server = await startServer({ port: PORT, env: { ...env, DATABASE_URL: viaRelay.toString(), LATCHKEY_JOBS_INTERVAL_SECONDS: "3600" } });
  });

  test.afterAll(async () => {
    await server?.stop();
    await relay?.stop();
    await database?.drop();
  });

  test("a signed-in person gets a 503 page that says so, not the sign-in page, and carries on once it is back", async ({ page }) => {
    await page.goto(`${BASE}/sign-in`);
    await page.getByLabel("Email").fill("naledi@acme.example");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${BASE}/keys`);

    await relay.stop();

    const response = await page.goto(`${BASE}/members`);
    expect(response!.status()).toBe(503);
    expect(response!.headers()["retry-after"]).toBe("5");
    await expect(page).toHaveURL(`${BASE}/members`);
    await expect(page.getByRole("heading", { name: "Latchkey can't reach its database" })).toBeVisible();
    await expect(page.getByText("This is not a sign-out")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveCount(0);
    await screenshot(page, "database-unavailable");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "database-unavailable-390");
    await page.setViewportSize({ width: 1280, height: 860 });
    // Without following anything: no redirect to /sign-in either.
    const direct = await page.request.get(`${BASE}/keys`, { maxRedirects: 0 });
    expect(direct.status()).toBe(503);
    // The sign-in page, for someone with a session, says the same rather than offering a form.
    expect((await page.request.get(`${BASE}/sign-in`, { maxRedirects: 0 })).status()).toBe(503);

    await relay.start(relay.port);
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();
    await expect(page).toHaveURL(`${BASE}/members`);
    await page.goto(`${BASE}/keys`);
    await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  });
});
