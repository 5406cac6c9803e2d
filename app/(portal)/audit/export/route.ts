import { exportAuditEvents, auditCsv } from "@/lib/audit/list-events";
import { requireActor } from "@/lib/auth/current";
import { AccessError } from "@/lib/auth/errors";
import { isDatabaseUnavailable } from "@/lib/database-unavailable";
import { query } from "@/lib/query";
import { DomainError } from "@/lib/errors";

/** GET /audit/export?actor=&action=&target=&from=&to= — the filtered audit log as CSV. */
export async function GET(request: Request) {
  try {
    const actor = await requireActor({ permission: "audit:view" });
    const filters = Object.fromEntries(new URL(request.url).searchParams);
    delete filters.page;
    const rows = await query(exportAuditEvents, actor, filters);
    const day = new Date().toISOString().slice(0, 10);
    return new Response(auditCsv(rows), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="latchkey-audit-${day}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof AccessError) return new Response(error.message, { status: error.code === "unauthenticated" ? 401 : 403 });
    if (isDatabaseUnavailable(error)) return new Response(error.message, { status: 503, headers: { "retry-after": "5", "cache-control": "no-store" } });
    if (error instanceof DomainError)
      return new Response(
        `${error.message} ${Object.entries(error.fieldErrors ?? {})
          .map(([f, m]) => `${f}: ${m}`)
          .join("; ")}`,
        { status: 422 },
      );
    throw error;
  }
}
