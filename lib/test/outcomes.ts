import { verifyCredential } from "@/lib/api/authenticate";
import { AccessError } from "@/lib/auth/errors";
import { DomainError } from "@/lib/errors";
import { db } from "./helpers";

/** The refusal's code and fields; fails the test when the promise does not refuse. */
export async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, fields: error.fieldErrors ?? {} };
    if (error instanceof AccessError) return { code: error.code, fields: {} };
    throw error;
  }
  throw new Error("expected a refusal");
}

/** What the API says of a key's secret now: "valid", or the refusal's code. */
export async function keyVerdict(secret: string): Promise<string> {
  try {
    await verifyCredential(db(), { kind: "key", secret });
    return "valid";
  } catch (error) {
    return (error as { code: string }).code;
  }
}
