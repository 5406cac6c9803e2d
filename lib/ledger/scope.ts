import "server-only";

/**
 * Which accounts a ledger operation may touch. Every ledger function takes one and checks each
 * account it writes against it, inside its own transaction, so a caller cannot hand the ledger an
 * account it did not check.
 *
 * - A key reaches the accounts it was given (api_key_accounts), of its own mode, in its organisation.
 * - An organisation (a member acting in the portal) reaches every account of the organisation.
 */
export type AccountScope = KeyAccountScope | OrganisationAccountScope;

export interface KeyAccountScope {
  readonly kind: "key";
  readonly orgId: string;
  readonly keyId: string;
  readonly mode: "live" | "test";
}

export interface OrganisationAccountScope {
  readonly kind: "organisation";
  readonly orgId: string;
}

/** The scope of an API key: from the verified caller, never from the request. */
export function keyAccountScope(key: { orgId: string; keyId: string; mode: "live" | "test" }): KeyAccountScope {
  return { kind: "key", orgId: key.orgId, keyId: key.keyId, mode: key.mode };
}

/** The scope of a member acting for their organisation: the organisation id comes from the session. */
export function organisationAccountScope(orgId: string): OrganisationAccountScope {
  return { kind: "organisation", orgId };
}
