/**
 * Member permissions (what a person may do in the portal) and the built-in roles.
 * Shared by server and browser; holds no secrets.
 */
export const MEMBER_PERMISSIONS = [
  "keys:view",
  "keys:create",
  "keys:renew",
  "keys:delete",
  "keys:approve",
  "credentials:view",
  "members:manage",
  "payments:approve",
  "audit:view",
  "webhooks:manage",
] as const;

export type MemberPermission = (typeof MEMBER_PERMISSIONS)[number];

export const MEMBER_PERMISSION_LABELS: Record<MemberPermission, string> = {
  "keys:view": "View API keys",
  "keys:create": "Create and regenerate API keys",
  "keys:renew": "Renew API keys",
  "keys:delete": "Delete API keys",
  "keys:approve": "Approve keys that can move money",
  "credentials:view": "View client credentials and rotate secrets",
  "members:manage": "Manage members and roles",
  "payments:approve": "Approve payments",
  "audit:view": "View the audit log",
  "webhooks:manage": "Manage webhook endpoints",
};

export type BuiltInRole = "superadmin" | "admin" | "developer" | "viewer";

export const BUILT_IN_ROLES: Record<BuiltInRole, { name: string; description: string; permissions: MemberPermission[] }> = {
  superadmin: {
    name: "Superadmin",
    description: "The main account holder: everything, and hands the role on.",
    permissions: [...MEMBER_PERMISSIONS],
  },
  admin: {
    name: "Admin",
    description: "Manages keys, members and payment approvals; does not see client credentials.",
    permissions: [
      "keys:view",
      "keys:create",
      "keys:renew",
      "keys:delete",
      "keys:approve",
      "members:manage",
      "payments:approve",
      "audit:view",
      "webhooks:manage",
    ],
  },
  developer: {
    name: "Developer",
    description: "Sees the keys and the audit log.",
    permissions: ["keys:view", "audit:view"],
  },
  viewer: {
    name: "Viewer",
    description: "Sees the key list.",
    permissions: ["keys:view"],
  },
};

export function isMemberPermission(value: string): value is MemberPermission {
  return (MEMBER_PERMISSIONS as readonly string[]).includes(value);
}

export const API_PRODUCTS = ["account_information", "payments", "cards"] as const;
export type ApiProduct = (typeof API_PRODUCTS)[number];

export const API_PRODUCT_LABELS: Record<ApiProduct, string> = {
  account_information: "Account information",
  payments: "Payments",
  cards: "Cards",
};
