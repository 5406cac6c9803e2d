import { eq } from "drizzle-orm";
import { decodePDFRawStream, PDFArray, PDFDocument, type PDFRawStream } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { getTaxCertificatePdf, listTaxCertificates } from "@/lib/api/tax-certificates";
import { completedTaxYears } from "@/lib/api/tax-year";
import { accounts, taxCertificates } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { loadWizardOptions } from "@/lib/keys/wizard-options";
import { call } from "@/lib/test/api";
import { actorFor, db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";

type Account = { id: string; name: string; number: string; currency: string; companyId: string | null; mode: string };
let acme: Account[];
let nkosi: Account[];

const byName = (list: Account[], name: string) => list.find((a) => a.name === name)!;

/** A key of Acme Retail over its live ZAR and USD accounts (not EUR). */
async function retailKey(permissions: string[], mode: "live" | "test" = "live") {
  const retail = acme.filter((a) => a.name.startsWith("Acme Retail") && a.mode === mode);
  return makeKey("naledi@acme.example", {
    alias: `tax ${Math.random().toString(36).slice(2)}`,
    mode,
    permissions,
    companyIds: [retail[0]!.companyId],
    accountIds: retail.filter((a) => a.currency !== "EUR").map((a) => a.id),
  });
}

/** Calls the PDF handler and keeps the bytes. */
async function download(key: string, accountId: string, certId: string) {
  const response = await getTaxCertificatePdf(
    new Request(`http://bank.test/api/v1/accounts/${encodeURIComponent(accountId)}/tax-certificates/${encodeURIComponent(certId)}`, {
      headers: { "x-api-key": key },
    }),
    { params: Promise.resolve({ id: accountId, certId }) },
  );
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** The text a PDF page shows, read back from its content stream. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes);
  expect(doc.getPageCount()).toBe(1);
  const page = doc.getPage(0);
  const contents = page.node.Contents()!;
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
  const lines: string[] = [];
  for (const stream of streams) {
    const operators = Buffer.from(decodePDFRawStream(stream as PDFRawStream).decode()).toString("latin1");
    for (const match of operators.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) lines.push(Buffer.from(match[1]!, "hex").toString("latin1"));
  }
  return lines.join("\n");
}

beforeAll(async () => {
  await seedDemoData(db());
  acme = (await loadWizardOptions(db(), await actorFor("naledi@acme.example"))).accounts as Account[];
  nkosi = (await loadWizardOptions(db(), await actorFor("thabo@nkosi.example"))).accounts as Account[];
});

describe("GET /api/v1/accounts/{id}/tax-certificates", () => {
  it("lists the account's certificates of the last two completed tax years, newest first, in PRODUCT.md's shape", async () => {
    const { key } = await retailKey(["tax_certificates:view"]);
    const zar = byName(acme, "Acme Retail ZAR operating");
    const { status, json } = await call(listTaxCertificates, { path: `/api/v1/accounts/${zar.id}/tax-certificates`, key, params: { id: zar.id } });
    expect(status).toBe(200);
    const [latest, earlier] = completedTaxYears(new Date(), 2).map(String);
    expect(json.taxCertificates.map((c: { taxYear: string }) => c.taxYear)).toEqual([latest, earlier]);
    const stored = await db().select().from(taxCertificates).where(eq(taxCertificates.accountId, zar.id));
    const first = stored.find((c) => String(c.taxYear) === latest)!;
    expect(json.taxCertificates[0]).toEqual({
      id: first.id,
      taxYear: latest,
      kind: "interest",
      currency: "ZAR",
      interestEarned: Number(first.interestEarned),
      issuedAt: first.issuedAt.toISOString(),
    });
    expect(Object.keys(json.taxCertificates[0]).sort()).toEqual(["currency", "id", "interestEarned", "issuedAt", "kind", "taxYear"]);
    expect(Number.isInteger(json.taxCertificates[0].interestEarned)).toBe(true);
    expect(json.taxCertificates[0].interestEarned).toBeGreaterThan(0);
  });

  it("answers in the account's own currency", async () => {
    const { key } = await retailKey(["tax_certificates:view"]);
    const usd = byName(acme, "Acme Retail USD FX");
    const { json } = await call(listTaxCertificates, { path: "/x", key, params: { id: usd.id } });
    expect(json.taxCertificates.map((c: { currency: string }) => c.currency)).toEqual(["USD", "USD"]);
  });

  it("refuses a key without tax_certificates:view with 403 insufficient_permission, for the list and the PDF", async () => {
    const { key } = await retailKey(["accounts:view", "balances:view", "transactions:view", "statements:view"]);
    const zar = byName(acme, "Acme Retail ZAR operating");
    const list = await call(listTaxCertificates, { path: "/x", key, params: { id: zar.id } });
    expect([list.status, list.json.error.code]).toEqual([403, "insufficient_permission"]);
    const [cert] = await db().select().from(taxCertificates).where(eq(taxCertificates.accountId, zar.id));
    const pdf = await call(getTaxCertificatePdf, { path: "/x", key, params: { id: zar.id, certId: cert!.id } });
    expect([pdf.status, pdf.json.error.code]).toEqual([403, "insufficient_permission"]);
  });

  it("answers 403 account_not_allowed for the organisation's account the key was not given, or of the other mode", async () => {
    const { key } = await retailKey(["tax_certificates:view"]);
    const eur = byName(acme, "Acme Retail EUR FX");
    const list = await call(listTaxCertificates, { path: "/x", key, params: { id: eur.id } });
    expect([list.status, list.json.error.code]).toEqual([403, "account_not_allowed"]);
    const [cert] = await db().select().from(taxCertificates).where(eq(taxCertificates.accountId, eur.id));
    const pdf = await call(getTaxCertificatePdf, { path: "/x", key, params: { id: eur.id, certId: cert!.id } });
    expect([pdf.status, pdf.json.error.code]).toEqual([403, "account_not_allowed"]);

    const sandbox = await retailKey(["tax_certificates:view"], "test");
    const zar = byName(acme, "Acme Retail ZAR operating");
    const otherMode = await call(listTaxCertificates, { path: "/x", key: sandbox.key, params: { id: zar.id } });
    expect([otherMode.status, otherMode.json.error.code]).toEqual([403, "account_not_allowed"]);
    const own = await call(listTaxCertificates, { path: "/x", key: sandbox.key, params: { id: byName(acme, "Acme Retail ZAR sandbox").id } });
    expect([own.status, own.json.taxCertificates.length]).toEqual([200, 2]);
    // A sandbox certificate says it is one.
    const sandboxPdf = await download(sandbox.key, byName(acme, "Acme Retail ZAR sandbox").id, own.json.taxCertificates[0].id);
    expect(sandboxPdf.status).toBe(200);
    expect(await pdfText(sandboxPdf.bytes)).toMatch(/TEST[\s\S]*not a tax document/);
  });

  it("answers 404 not_found for another organisation's account", async () => {
    const { key } = await retailKey(["tax_certificates:view"]);
    const foreign = byName(nkosi, "PrimeSaver");
    const list = await call(listTaxCertificates, { path: "/x", key, params: { id: foreign.id } });
    expect([list.status, list.json.error.code]).toEqual([404, "not_found"]);
    expect(JSON.stringify(list.json)).not.toContain("PrimeSaver");
  });
});

describe("GET /api/v1/accounts/{id}/tax-certificates/{certId}", () => {
  it("downloads the certificate as a one-page PDF naming the bank, the account, the tax year, the interest and the issue date", async () => {
    const { key } = await retailKey(["tax_certificates:view"]);
    const zar = byName(acme, "Acme Retail ZAR operating");
    const { json } = await call(listTaxCertificates, { path: "/x", key, params: { id: zar.id } });
    const cert = json.taxCertificates[0] as { id: string; taxYear: string; interestEarned: number; issuedAt: string };
    const { status, headers, bytes } = await download(key, zar.id, cert.id);
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("application/pdf");
    expect(headers.get("content-disposition")).toBe(`attachment; filename="latchkey-tax-certificate-${zar.number}-${cert.taxYear}.pdf"`);
    expect(Number(headers.get("content-length"))).toBe(bytes.byteLength);
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");

    const text = await pdfText(bytes);
    const year = Number(cert.taxYear);
    const lastOfFebruary = new Date(Date.UTC(year, 2, 0)).getUTCDate();
    const amount = `ZAR ${Math.floor(cert.interestEarned / 100).toLocaleString("en-US")}.${String(cert.interestEarned % 100).padStart(2, "0")}`;
    expect(text).toContain("Latchkey");
    expect(text).toContain("Acme Retail (Pty) Ltd");
    expect(text).toContain("Acme Retail ZAR operating");
    expect(text).toContain(zar.number);
    expect(text).toContain(`Tax year ${year}`);
    expect(text).toContain(`1 March ${year - 1} to ${lastOfFebruary} February ${year}`);
    expect(text).toContain(amount);
    expect(text).not.toContain("not a tax document");
    const issued = new Date(cert.issuedAt);
    expect(text).toContain(`${issued.getUTCDate()} ${issued.toLocaleString("en-US", { month: "long", timeZone: "UTC" })} ${issued.getUTCFullYear()}`);
  });

  it("prints a private account holder's organisation and draws names the font lacks without failing", async () => {
    const saver = byName(nkosi, "PrimeSaver");
    const { key } = await makeKey("thabo@nkosi.example", { permissions: ["tax_certificates:view"], accountIds: [saver.id], companyIds: [] });
    await db().update(accounts).set({ name: "PrimeSaver 储蓄 ✓" }).where(eq(accounts.id, saver.id));
    try {
      const [cert] = await db().select().from(taxCertificates).where(eq(taxCertificates.accountId, saver.id));
      const { status, bytes } = await download(key, saver.id, cert!.id);
      expect(status).toBe(200);
      const text = await pdfText(bytes);
      expect(text).toContain("Nkosi Private Banking");
      expect(text).toContain("PrimeSaver ?? ?");
    } finally {
      await db().update(accounts).set({ name: "PrimeSaver" }).where(eq(accounts.id, saver.id));
    }
  });

  it("answers 404 not_found for a certificate of another account or another organisation, as JSON", async () => {
    const { key } = await retailKey(["tax_certificates:view"]);
    const zar = byName(acme, "Acme Retail ZAR operating");
    const usd = byName(acme, "Acme Retail USD FX");
    const [usdCert] = await db().select().from(taxCertificates).where(eq(taxCertificates.accountId, usd.id));
    const [foreignCert] = await db()
      .select()
      .from(taxCertificates)
      .where(eq(taxCertificates.accountId, byName(nkosi, "PrimeSaver").id));
    for (const certId of [usdCert!.id, foreignCert!.id, "00000000-0000-4000-8000-000000000000"]) {
      const response = await call(getTaxCertificatePdf, { path: "/x", key, params: { id: zar.id, certId } });
      expect([response.status, response.headers.get("content-type"), response.json.error.code]).toEqual([404, "application/json; charset=utf-8", "not_found"]);
    }
    // Under its own account the other organisation's certificate is still not this key's business.
    const foreign = await call(getTaxCertificatePdf, { path: "/x", key, params: { id: byName(nkosi, "PrimeSaver").id, certId: foreignCert!.id } });
    expect([foreign.status, foreign.json.error.code]).toEqual([404, "not_found"]);
  });

  it("answers hostile ids with a JSON 404, never a 500", async () => {
    const { key } = await retailKey(["tax_certificates:view"]);
    const zar = byName(acme, "Acme Retail ZAR operating");
    const [cert] = await db().select().from(taxCertificates).where(eq(taxCertificates.accountId, zar.id));
    const hostile = [
      "",
      "not-a-uuid",
      "x".repeat(5_000),
      `${cert!.id}\u0000`,
      "\u0000",
      "../../etc/passwd",
      "' or 1=1 --",
      `${cert!.id.toUpperCase()} `,
      "1e3",
    ];
    for (const bad of hostile) {
      const byCert = await call(getTaxCertificatePdf, { path: "/x", key, params: { id: zar.id, certId: bad } });
      expect([byCert.status, byCert.json.error.code], JSON.stringify(bad.slice(0, 40))).toEqual([404, "not_found"]);
      const byAccount = await call(getTaxCertificatePdf, { path: "/x", key, params: { id: bad, certId: cert!.id } });
      expect([byAccount.status, byAccount.json.error.code]).toEqual([404, "not_found"]);
      const list = await call(listTaxCertificates, { path: "/x", key, params: { id: bad } });
      expect([list.status, list.json.error.code]).toEqual([404, "not_found"]);
    }
  });
});
