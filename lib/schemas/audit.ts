import { z } from "zod";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-11-22")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "That is not a date");
const text = (max: number) => z.string().trim().max(max, `Keep it to ${max} characters`);

/** The audit log's filters, from the page's query string or the CSV export's. Empty means any. */
export const auditFiltersSchema = z.object({
  actor: text(254).optional(),
  action: text(64).regex(/^[a-z_.]*$/, "Choose an action from the list").optional(),
  target: text(100).optional(),
  from: z.union([day, z.literal("")]).optional(),
  to: z.union([day, z.literal("")]).optional(),
  page: z.coerce.number({ error: "Pages are numbered" }).int().min(1).max(10_000).optional(),
});
export type AuditFilters = z.infer<typeof auditFiltersSchema>;
