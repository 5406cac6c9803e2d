import { z } from "zod";
import { CONTROL_CHARACTERS_MESSAGE, NO_CONTROL_CHARACTERS, NO_CONTROL_CHARACTERS_BUT_LINES } from "@/lib/schemas/text";

/** Request and response shapes of the bank API: validation and the OpenAPI document use the same ones. */
const money = z.number().int("Amounts are integers in minor units (cents)").positive("The amount must be more than zero").max(100_000_000_000);
const reference = z
  .string()
  .trim()
  .min(1, "Give a reference")
  .max(140, "Keep the reference to 140 characters")
  .regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE);

export const transferRequest = z.strictObject({
  toAccountId: z.uuid({ error: "Give the id of one of this key's accounts" }),
  amount: money,
  reference,
});

export const paymentRequest = z.strictObject({
  beneficiaryName: z.string().trim().min(1, "Give the beneficiary's name").max(140).regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE),
  accountNumber: z.string().regex(/^\d{6,20}$/, "An account number is 6 to 20 digits"),
  bankCode: z.string().regex(/^[0-9A-Z]{4,11}$/, "A branch code or BIC: 4 to 11 digits or capital letters"),
  amount: money,
  reference,
});

export const cardCodeRequest = z.strictObject({
  code: z.string().max(10_000, "Card code is limited to 10,000 characters").regex(NO_CONTROL_CHARACTERS_BUT_LINES, CONTROL_CHARACTERS_MESSAGE),
});

export const transactionsQuery = z.strictObject({
  from: z.iso.date({ error: "Use a date like 2026-10-01" }).optional(),
  to: z.iso.date({ error: "Use a date like 2026-10-31" }).optional(),
  page: z.coerce.number().int("page is a whole number").min(1, "page starts at 1").max(100_000).optional(),
});

export const account = z.object({
  id: z.uuid(),
  name: z.string(),
  number: z.string(),
  currency: z.string().length(3),
  mode: z.enum(["live", "test"]),
  companyId: z.uuid().nullable(),
});
export const balance = z.object({ accountId: z.uuid(), currency: z.string(), currentBalance: z.number().int(), availableBalance: z.number().int() });
export const transaction = z.object({
  id: z.uuid(),
  postedAt: z.iso.datetime(),
  amount: z.number().int(),
  currency: z.string(),
  description: z.string(),
  type: z.string(),
  balanceAfter: z.number().int(),
});
export const statement = z.object({ month: z.string(), currency: z.string(), openingBalance: z.number().int(), closingBalance: z.number().int() });
export const transfer = z.object({
  id: z.uuid(),
  fromAccountId: z.uuid(),
  toAccountId: z.uuid(),
  amount: z.number().int(),
  currency: z.string(),
  reference: z.string(),
  createdAt: z.iso.datetime(),
});
export const payment = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  status: z.enum(["pending_approval", "executed", "rejected"]),
  amount: z.number().int(),
  currency: z.string(),
  beneficiaryName: z.string(),
  reference: z.string(),
  createdAt: z.iso.datetime(),
});
export const taxCertificate = z.object({
  id: z.uuid(),
  taxYear: z
    .string()
    .regex(/^\d{4}$/)
    .meta({ description: "The year the tax year ends in: 2026 runs from 1 March 2025 to the end of February 2026" }),
  kind: z.enum(["interest"]),
  currency: z.string().length(3),
  interestEarned: z.number().int().nonnegative(),
  issuedAt: z.iso.datetime(),
});
export const card = z.object({ id: z.uuid(), accountId: z.uuid(), last4: z.string(), name: z.string() });
export const cardCode = z.object({ cardId: z.uuid(), code: z.string(), updatedAt: z.iso.datetime() });
export const apiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});
