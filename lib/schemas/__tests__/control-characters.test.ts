import { describe, expect, it } from "vitest";
import { cardCodeRequest, paymentRequest, transferRequest } from "@/lib/api/schemas";
import { addApplicationSchema } from "@/lib/schemas/credentials";
import { checkKeyAliasSchema } from "@/lib/schemas/key-alias";
import { createKeySchema } from "@/lib/schemas/keys";
import { acceptInvitationSchema, createRoleSchema, inviteMemberSchema } from "@/lib/schemas/members";

const id = "7f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const pin = "482915";

/** Every free-text field with a valid input around it: NUL (and its kin) in the field is that field's error. */
const FIELDS: [string, { safeParse(input: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } }, Record<string, unknown>, string][] =
  [
    [
      "key alias",
      createKeySchema,
      { alias: "ERP", description: "", mode: "live", applicationId: id, companyIds: [], accountIds: [id], permissions: ["accounts:view"], pin },
      "alias",
    ],
    [
      "key description",
      createKeySchema,
      { alias: "ERP", description: "Nightly", mode: "live", applicationId: id, companyIds: [], accountIds: [id], permissions: ["accounts:view"], pin },
      "description",
    ],
    ["alias check", checkKeyAliasSchema, { alias: "ERP", applicationId: id }, "alias"],
    ["application name", addApplicationSchema, { name: "Payroll", pin }, "name"],
    ["role name", createRoleSchema, { name: "Renewer", description: "", permissions: ["keys:view"], pin }, "name"],
    ["role description", createRoleSchema, { name: "Renewer", description: "Renews keys", permissions: ["keys:view"], pin }, "description"],
    ["invitation e-mail", inviteMemberSchema, { email: "new@acme.example", roleId: id, pin }, "email"],
    [
      "invitee's name",
      acceptInvitationSchema,
      { token: `lkinv_${"a".repeat(43)}`, name: "Lerato", password: "a-long-password-1", confirmPassword: "a-long-password-1" },
      "name",
    ],
    ["transfer reference", transferRequest, { toAccountId: id, amount: 100, reference: "Rent" }, "reference"],
    [
      "payment reference",
      paymentRequest,
      { beneficiaryName: "Supplier", accountNumber: "62000000001", bankCode: "250655", amount: 100, reference: "Invoice" },
      "reference",
    ],
    [
      "beneficiary name",
      paymentRequest,
      { beneficiaryName: "Supplier", accountNumber: "62000000001", bankCode: "250655", amount: 100, reference: "Invoice" },
      "beneficiaryName",
    ],
    ["card code", cardCodeRequest, { code: "const a = 1;" }, "code"],
  ];

describe.each(FIELDS)("the %s", (_, schema, valid, field) => {
  it("accepts the valid input", () => {
    expect(schema.safeParse(valid).success).toBe(true);
  });

  it.each([
    ["a NUL", "\u0000"],
    ["a bell", "\u0007"],
    ["an escape sequence", "\u001b[31m"],
    ["a DEL", "\u007f"],
  ])("refuses %s with an error on that field", (_, bad) => {
    const value = String(valid[field]);
    const result = schema.safeParse({ ...valid, [field]: `${value.slice(0, 2)}${bad}${value.slice(2)}` });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toContain(field);
  });
});

describe("a card's code", () => {
  it("keeps its lines and tabs", () => {
    expect(cardCodeRequest.safeParse({ code: "if (x) {\n\treturn 1;\r\n}" }).success).toBe(true);
  });
});
