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

/** The DomainError the promise refuses with (its message and subclass included); fails the test otherwise. */
export async function domainRefusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${error === null ? "success" : String(error)}`);
  return error;
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
