import { describe, expect, it } from "vitest";
import { showFieldErrors } from "@/lib/actions/result";

describe("showFieldErrors", () => {
  it("puts each error on the form's own field and leaves the others to the form's alert", () => {
    const shown: [string, string][] = [];
    showFieldErrors(
      { pin: "Wrong PIN", form: "Check the highlighted fields.", confirmPin: "The two PINs do not match" },
      ["pin", "confirmPin"],
      (field, { message }) => shown.push([field, message]),
    );
    expect(shown).toEqual([
      ["pin", "Wrong PIN"],
      ["confirmPin", "The two PINs do not match"],
    ]);
  });

  it("does nothing without field errors", () => {
    const shown: string[] = [];
    showFieldErrors(undefined, ["email"], (field) => shown.push(field));
    expect(shown).toEqual([]);
  });
});
