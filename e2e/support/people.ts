/** People the end-to-end tests add to the demo data: Acme developers who have not set a PIN yet. */
export const E2E_PASSWORD = "Newcomer-e2e-1";
export const E2E_NEWCOMERS = ["newcomer1@acme.example", "newcomer2@acme.example"];
