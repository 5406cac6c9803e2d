import { describe, expect, it } from "vitest";
import { failure } from "@/lib/api/handler";
import { DomainError, DOMAIN_ERROR_CODES, NotFoundError, parseOrThrow } from "@/lib/errors";
import { z } from "zod";

describe("one error contract for the portal and the API", () => {
  it("answers a domain refusal in the API's shape, with the portal's code, message and fields", async () => {
    let refusal: unknown;
    try {
      parseOrThrow(z.strictObject({ amount: z.number().positive("Enter an amount above zero") }).safeParse({ amount: -1 }));
    } catch (error) {
      refusal = error;
    }
    const invalid = failure(refusal, "00000000-0000-4000-8000-000000000001");
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toEqual({
      error: {
        code: "invalid_request",
        message: "Check the highlighted fields.",
        fields: { amount: "Enter an amount above zero" },
        requestId: "00000000-0000-4000-8000-000000000001",
      },
    });

    const missing = failure(new NotFoundError("That payment"), "00000000-0000-4000-8000-000000000002");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: "not_found", message: "That payment does not exist, or you cannot see it." });

    expect(failure(new DomainError("already_decided", "Decided."), "00000000-0000-4000-8000-000000000003").status).toBe(409);
  });

  it("names list items' faults by the list when asked, and the input as a whole otherwise", () => {
    const schema = z.strictObject({ keyIds: z.array(z.uuid("Unknown key")) });
    const named = (lists?: string[]) => {
      try {
        parseOrThrow(schema.safeParse({ keyIds: ["x"] }), { lists });
      } catch (error) {
        return (error as DomainError).fieldErrors;
      }
    };
    expect(named()).toEqual({ "keyIds.0": "Unknown key" });
    expect(named(["keyIds"])).toEqual({ keyIds: "Unknown key" });
    expect(DOMAIN_ERROR_CODES).toContain("invalid_request");
  });
});
