/**
 * The demo organisations' people. Printed by `npm start` and listed in the README; never used
 * outside the demo seed.
 */
export const DEMO_PASSWORD = "Latchkey-demo-1";

export interface DemoPerson {
  email: string;
  name: string;
  pin: string;
  org: "nkosi" | "acme" | "pending" | null;
  role: "superadmin" | "admin" | "developer" | "viewer" | "key-renewer" | null;
  /** Extra memberships, to show the organisation switcher. */
  alsoIn?: { org: "nkosi" | "acme" | "pending"; role: "superadmin" | "admin" | "developer" | "viewer" }[];
  operator?: boolean;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { email: "thabo@nkosi.example", name: "Thabo Nkosi", pin: "482915", org: "nkosi", role: "superadmin" },
  { email: "naledi@acme.example", name: "Naledi Dlamini", pin: "731904", org: "acme", role: "superadmin" },
  {
    email: "pieter@acme.example",
    name: "Pieter van Wyk",
    pin: "615283",
    org: "acme",
    role: "admin",
    alsoIn: [{ org: "pending", role: "admin" }],
  },
  { email: "sipho@acme.example", name: "Sipho Mahlangu", pin: "264817", org: "acme", role: "developer" },
  { email: "aisha@acme.example", name: "Aisha Patel", pin: "958172", org: "acme", role: "viewer" },
  { email: "johan@acme.example", name: "Johan Botha", pin: "390561", org: "acme", role: "key-renewer" },
  { email: "kagiso@pending.example", name: "Kagiso Molefe", pin: "507346", org: "pending", role: "superadmin" },
  { email: "ops@bank.example", name: "Lindiwe Zulu", pin: "846205", org: null, role: null, operator: true },
];

export const ORG_NAMES = {
  nkosi: "Nkosi Private Banking",
  acme: "Acme Holdings",
  pending: "Pending Ventures",
} as const;
