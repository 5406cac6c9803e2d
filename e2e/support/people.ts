/** People the end-to-end tests add to the demo data: Acme developers who have not set a PIN yet. */
export const E2E_PASSWORD = "Newcomer-e2e-1";
export const E2E_NEWCOMERS = ["newcomer1@acme.example", "newcomer2@acme.example"];

/**
 * Acme developers with a PIN whom only the session tests sign in as: ending "all other sessions" or
 * changing a PIN must not sign out another test's browser.
 */
export const E2E_SESSION_PEOPLE = ["sessions1@acme.example", "sessions2@acme.example", "sessions3@acme.example"];
export const E2E_SESSION_PIN = "905318";

/**
 * An Acme Admin only the passkey tests sign in as: once a person has a passkey, every step-up
 * dialog offers it first, which other tests' PIN steps must not meet.
 */
export const E2E_PASSKEY_PERSON = { email: "passkeys@acme.example", name: "Zanele Mokoena", pin: "615283" };
