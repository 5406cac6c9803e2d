import type { KeyEndpoint } from "./endpoints";

export interface SampleValues {
  origin: string;
  prefix: string;
  accountId?: string;
  toAccountId?: string;
  cardId?: string;
  certificateId?: string;
}

/** A curl command for the endpoint, with the reader's own key prefix and ids filled in. */
export function curlSample(endpoint: KeyEndpoint, values: SampleValues): string {
  const path = endpoint.path
    .replace("{id}", endpoint.path.startsWith("/api/v1/cards") ? (values.cardId ?? "CARD_ID") : (values.accountId ?? "ACCOUNT_ID"))
    .replace("{certId}", values.certificateId ?? "CERTIFICATE_ID");
  const lines = [`# $LATCHKEY_API_KEY holds your key ${values.prefix}… (shown once, when it was created)`];
  if (path.includes("CERTIFICATE_ID")) lines.push("# CERTIFICATE_ID: the id of one of the account's certificates, from GET …/tax-certificates");
  lines.push(`curl ${endpoint.method === "GET" ? "" : `-X ${endpoint.method} `}"${values.origin}${path}" \\`);
  lines.push(`  -H "x-api-key: $LATCHKEY_API_KEY"${endpoint.sampleBody || endpoint.download ? " \\" : ""}`);
  if (endpoint.download) lines.push("  -o tax-certificate.pdf");
  if (endpoint.sampleBody) {
    const body = JSON.stringify(endpoint.sampleBody).replace("ACCOUNT_ID", values.toAccountId ?? "ACCOUNT_ID");
    lines.push(`  -H "content-type: application/json" \\`);
    if (endpoint.idempotent) lines.push(`  -H "Idempotency-Key: $(uuidgen)" \\`);
    lines.push(`  -d '${body}'`);
  }
  return lines.join("\n");
}

export function responseSample(endpoint: KeyEndpoint): string {
  if (endpoint.download) {
    return `HTTP/1.1 ${endpoint.status} OK\ncontent-type: ${endpoint.download.contentType}\ncontent-disposition: attachment; filename="${endpoint.download.filename}"\n\n${String(endpoint.example)}`;
  }
  return `HTTP/1.1 ${endpoint.status} ${endpoint.status === 201 ? "Created" : "OK"}\n\n${JSON.stringify(endpoint.example, null, 2)}`;
}
