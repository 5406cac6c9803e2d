/** People the end-to-end tests add to the demo data: Acme developers who have not set a PIN yet. */
export const E2E_PASSWORD = "Newcomer-e2e-1";
export const E2E_NEWCOMERS = ["newcomer1@acme.example", "newcomer2@acme.example"];

/**
 * Acme developers with a PIN whom only the session tests sign in as: ending "all other sessions" or
 * changing a PIN must not sign out another test's browser.
 */
export const E2E_SESSION_PEOPLE = ["sessions1@acme.example", "sessions2@acme.example", "sessions3@acme.example"];
export const E2E_SESSION_PIN = "905318";
