/**
 * A secret-scanning partner's key pair FOR THE END-TO-END TESTS ONLY: playwright.config.ts hands the
 * public half to the test server as partner "e2e-partner" (LATCHKEY_SECRET_SCANNING_KEYS), and
 * e2e/leak-report.spec.ts signs its reports with the private half. It opens nothing anywhere else:
 * never configure it on a real server.
 */
export const E2E_PARTNER_KEY_ID = "e2e-partner";

export const E2E_PARTNER_PUBLIC_KEY_PEM =
  "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcGvYO1qos+Ll2o3jzmfteB2RWwHZ\n/u21pImhE4L3H6YvLm6cY50bx2YW3W1TxuYbQZDa7/RNf6IxuSxJgtZC+Q==\n-----END PUBLIC KEY-----\n";

/** Test-only: published here on purpose, so it must never sign anything a real server trusts. */
export const E2E_PARTNER_PRIVATE_KEY_PEM_TEST_ONLY =
  "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIqf0q6Bwl5BS1H5G\n4Uks7VZaKZ8pt6YJn9K+cG01cIChRANCAARwa9g7Wqiz4uXajePOZ+14HZFbAdn+\n7bWkiaETgvcfpi8ubpxjnRvHZhbdbVPG5htBkNrv9E1/ojG5LEmC1kL5\n-----END PRIVATE KEY-----\n";
