import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import { accounts, companies, organisations, taxCertificates } from "@/lib/db/schema";
import { API_ENDPOINTS } from "./endpoints";
import { endpointHandler } from "./handler";
import { ApiError, json } from "./http";
import { keyAccount } from "./scope";
import { taxYearDates } from "./tax-year";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /api/v1/accounts/{id}/tax-certificates — the account's yearly certificates, newest year first. */
export const listTaxCertificates = endpointHandler(API_ENDPOINTS.listTaxCertificates, async ({ db, caller, params }) => {
  const account = await keyAccount(db, caller, params.id);
  const rows = await db
    .select({
      id: taxCertificates.id,
      taxYear: taxCertificates.taxYear,
      kind: taxCertificates.kind,
      currency: taxCertificates.currency,
      interestEarned: taxCertificates.interestEarned,
      issuedAt: taxCertificates.issuedAt,
    })
    .from(taxCertificates)
    .where(eq(taxCertificates.accountId, account.id))
    .orderBy(desc(taxCertificates.taxYear));
  return json({ taxCertificates: rows.map((r) => ({ ...r, taxYear: String(r.taxYear) })) });
});

/**
 * GET /api/v1/accounts/{id}/tax-certificates/{certId} — one certificate as a PDF to download. A
 * certificate of another account (even one the key may use) is not found under this one.
 */
export const getTaxCertificatePdf = endpointHandler(API_ENDPOINTS.getTaxCertificatePdf, async ({ db, caller, params }) => {
  const account = await keyAccount(db, caller, params.id);
  if (!UUID.test(params.certId ?? "")) throw new ApiError(404, "not_found", "No such tax certificate.");
  const [certificate] = await db
    .select()
    .from(taxCertificates)
    .where(and(eq(taxCertificates.id, params.certId), eq(taxCertificates.accountId, account.id)))
    .limit(1);
  if (!certificate) throw new ApiError(404, "not_found", "No such tax certificate.");
  const [holder] = await db
    .select({ organisation: organisations.name, company: companies.name })
    .from(accounts)
    .innerJoin(organisations, eq(organisations.id, accounts.orgId))
    .leftJoin(companies, eq(companies.id, accounts.companyId))
    .where(eq(accounts.id, account.id))
    .limit(1);
  const bytes = await renderTaxCertificate({
    holder: holder?.company ?? holder?.organisation ?? "",
    accountName: account.name,
    accountNumber: account.number,
    mode: account.mode,
    taxYear: certificate.taxYear,
    currency: certificate.currency,
    interestEarned: certificate.interestEarned,
    issuedAt: certificate.issuedAt,
    certificateId: certificate.id,
  });
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${certificateFilename(account.number, certificate.taxYear)}"`,
      "content-length": String(bytes.byteLength),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});

/** The download's name: the account number is digits, the year four digits, so nothing needs quoting. */
export function certificateFilename(accountNumber: string, taxYear: number): string {
  return `latchkey-tax-certificate-${accountNumber.replace(/[^0-9A-Za-z-]/g, "")}-${taxYear}.pdf`;
}

/** Minor units as the certificate prints them: `ZAR 13,432.07` (every currency the bank holds has cents). */
export function formatMinorUnits(currency: string, amount: bigint): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const whole = (abs / 100n).toLocaleString("en-US");
  const cents = String(abs % 100n).padStart(2, "0");
  return `${currency} ${negative ? "-" : ""}${whole}.${cents}`;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function longDate(isoDate: string): string {
  const [year, month, day] = isoDate.split("-").map(Number);
  return `${day} ${MONTHS[month! - 1]} ${year}`;
}

export interface TaxCertificateContent {
  holder: string;
  accountName: string;
  accountNumber: string;
  /** A sandbox account's certificate says so: it is not a tax document. */
  mode: "live" | "test";
  taxYear: number;
  currency: string;
  interestEarned: bigint;
  issuedAt: Date;
  certificateId: string;
}

/** One A4 page: the bank, the account, the tax year with its dates, the interest earned and the issue date. */
export async function renderTaxCertificate(content: TaxCertificateContent): Promise<Uint8Array> {
  const { from, to } = taxYearDates(content.taxYear);
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Tax certificate ${content.taxYear}: ${content.accountNumber}`);
  pdf.setAuthor("Latchkey");
  pdf.setSubject("Certificate of interest earned");
  pdf.setCreator("Latchkey bank API");
  pdf.setProducer("Latchkey");
  pdf.setCreationDate(content.issuedAt);
  pdf.setModificationDate(content.issuedAt);
  const page = pdf.addPage([595.28, 841.89]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const mono = await pdf.embedFont(StandardFonts.Courier);
  const ink = rgb(0.09, 0.09, 0.11);
  const muted = rgb(0.4, 0.4, 0.44);
  const accent = rgb(0.31, 0.27, 0.9);
  const left = 56;
  const write = (p: PDFPage, text: string, x: number, y: number, font: PDFFont, size: number, color = ink) =>
    p.drawText(printable(font, text), { x, y, font, size, color });

  page.drawRectangle({ x: 0, y: 761.89, width: 595.28, height: 80, color: accent });
  write(page, "Latchkey", left, 800, bold, 24, rgb(1, 1, 1));
  write(page, "Tax certificate: interest earned", left, 778, regular, 12, rgb(0.9, 0.93, 1));

  write(page, `Tax year ${content.taxYear}`, left, 716, bold, 20);
  write(page, `${longDate(from)} to ${longDate(to)}`, left, 694, regular, 12, muted);
  if (content.mode === "test") {
    const label = "TEST";
    const x = left + bold.widthOfTextAtSize(`Tax year ${content.taxYear}`, 20) + 12;
    page.drawRectangle({
      x,
      y: 713,
      width: bold.widthOfTextAtSize(label, 10) + 12,
      height: 18,
      color: rgb(1, 0.93, 0.84),
      borderColor: rgb(0.92, 0.55, 0.15),
      borderWidth: 0.75,
    });
    write(page, label, x + 6, 718, bold, 10, rgb(0.6, 0.27, 0.02));
  }

  const rows: [string, string, PDFFont?][] = [
    ["Account holder", content.holder],
    ["Account name", content.accountName],
    ["Account number", content.accountNumber, mono],
    ["Currency", content.currency],
    ["Tax year", `${content.taxYear} (${longDate(from)} to ${longDate(to)})`],
    ["Interest earned", formatMinorUnits(content.currency, content.interestEarned)],
    ["Issued on", longDate(content.issuedAt.toISOString().slice(0, 10))],
    ["Certificate", content.certificateId, mono],
  ];
  let y = 640;
  for (const [label, value, font] of rows) {
    page.drawLine({ start: { x: left, y: y + 22 }, end: { x: 539, y: y + 22 }, thickness: 0.5, color: rgb(0.85, 0.85, 0.88) });
    write(page, label, left, y, regular, 11, muted);
    write(page, value, 200, y, label === "Interest earned" ? bold : (font ?? regular), label === "Interest earned" ? 13 : 11);
    y -= 34;
  }
  page.drawLine({ start: { x: left, y: y + 22 }, end: { x: 539, y: y + 22 }, thickness: 0.5, color: rgb(0.85, 0.85, 0.88) });

  const note = [
    ...(content.mode === "test" ? ["A sandbox account's certificate, made for testing: it is not a tax document."] : []),
    "This certificate states the interest the account earned over the tax year named above,",
    "for the account holder's income tax return. Keep it with your tax records.",
    "Issued by Latchkey from the bank's records; no signature is required.",
  ];
  for (const [i, line] of note.entries()) write(page, line, left, y - 20 - i * 15, regular, 9, muted);
  return pdf.save({ useObjectStreams: false });
}

/** Text the standard font can draw: anything it lacks (a name in another script) becomes "?". */
function printable(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  return Array.from(text.replace(/[\u0000-\u001f\u007f]/g, " "))
    .map((ch) => (supported.has(ch.codePointAt(0)!) ? ch : "?"))
    .join("");
}
