import { z } from "zod";
import { describe, expect, it } from "vitest";
import { defineEndpoint, type PathParams } from "@/lib/api/endpoints";
import type { KeyPermission } from "@/lib/key-permissions";

/**
 * Type tests: `npx tsc --noEmit` checks them. A permission the wizard does not offer must not
 * compile; were `permission` a plain string, the @ts-expect-error lines would be unused and tsc fails.
 */
const base = { method: "GET", path: "/api/v1/accounts/{id}/balance", summary: "Balance", response: z.object({}), status: 200, example: {} } as const;

describe("a declaration's permission", () => {
  it("is one of the wizard's permissions, checked by the compiler", () => {
    const declared = defineEndpoint({ ...base, permission: "balances:view" });
    // @ts-expect-error: a typo ("balance" for "balances") is not a key permission
    const typo = defineEndpoint({ ...base, permission: "balance:view" });
    // @ts-expect-error: the wizard offers no edit on accounts, so no endpoint may enforce it
    const notOffered = defineEndpoint({ ...base, permission: "accounts:edit" });
    // @ts-expect-error: an endpoint without a key permission must say why it is public
    const unexplained = defineEndpoint({ ...base, permission: null, openapi: false });
    const permission: KeyPermission = declared.permission;
    expect([permission, typo.permission, notOffered.permission, unexplained.permission]).toEqual(["balances:view", "balance:view", "accounts:edit", null]);
  });

  it("types a handler's path parameters from the path", () => {
    const params: PathParams<"/api/v1/accounts/{id}/tax-certificates/{certId}"> = { id: "a", certId: "b" };
    // @ts-expect-error: the path names no such parameter
    const wrong: PathParams<"/api/v1/cards/{id}/code"> = { cardId: "c" };
    expect([params, wrong]).toEqual([{ id: "a", certId: "b" }, { cardId: "c" }]);
  });
});
