/**
 * What an API key may do in the bank API: entity × {view, edit}, grouped by API product. The wizard
 * offers only the access declared here. KeyPermission is read from it, and every endpoint of the
 * registry (lib/api/endpoints.ts) names one of these as the permission it enforces, so the two cannot
 * drift: a permission no endpoint enforces fails lib/api/__tests__/endpoints.test.ts, one the wizard
 * does not offer fails to compile. Which endpoints a grant opens is the registry's to say.
 * Shared by the wizard and the server; holds no secrets.
 */
import type { ApiProduct } from "./permissions";

export type KeyAccess = "view" | "edit";

export interface KeyEntity {
  entity: string;
  label: string;
  description: string;
  /** The access the wizard offers on the entity, each enforced by at least one endpoint. */
  access: readonly KeyAccess[];
}

export interface KeyProductGroup {
  product: ApiProduct;
  label: string;
  entities: readonly KeyEntity[];
}

const CATALOGUE = [
  {
    product: "account_information",
    label: "Account information",
    entities: [
      { entity: "accounts", label: "Accounts", description: "Account names and numbers", access: ["view"] },
      { entity: "balances", label: "Balances", description: "Current and available balance", access: ["view"] },
      { entity: "transactions", label: "Transactions", description: "Posted transactions, paged", access: ["view"] },
      { entity: "statements", label: "Statements", description: "Monthly opening and closing balances", access: ["view"] },
      { entity: "tax_certificates", label: "Tax certificates", description: "The account's yearly tax certificates (PDF)", access: ["view"] },
    ],
  },
  {
    product: "payments",
    label: "Payments",
    entities: [
      { entity: "transfers", label: "Transfers", description: "Between the key's own accounts", access: ["edit"] },
      { entity: "payments", label: "Payments", description: "To beneficiaries; each waits for a member's approval", access: ["view", "edit"] },
    ],
  },
  {
    product: "cards",
    label: "Cards",
    entities: [{ entity: "card_code", label: "Card code", description: "A card's programmable code", access: ["view", "edit"] }],
  },
] as const satisfies readonly KeyProductGroup[];

export const KEY_PRODUCT_GROUPS: readonly KeyProductGroup[] = CATALOGUE;

type DeclaredEntity = (typeof CATALOGUE)[number]["entities"][number];
type PermissionsOf<E> = E extends { entity: infer Name extends string; access: readonly (infer Access extends KeyAccess)[] } ? `${Name}:${Access}` : never;

/** A key permission the wizard offers, as a literal: "balances:view", "payments:edit"… */
export type KeyPermission = PermissionsOf<DeclaredEntity>;

export const ALL_KEY_PERMISSIONS: readonly KeyPermission[] = CATALOGUE.flatMap((g) =>
  g.entities.flatMap((e) => e.access.map((access) => `${e.entity}:${access}` as KeyPermission)),
);

export function isKeyPermission(value: string): boolean {
  return (ALL_KEY_PERMISSIONS as readonly string[]).includes(value);
}

/** The product a permission belongs to. */
export function productOf(permission: string): ApiProduct | undefined {
  const entity = permission.split(":")[0];
  return KEY_PRODUCT_GROUPS.find((g) => g.entities.some((e) => e.entity === entity))?.product;
}

export type KeyPreset = "read-only" | "write" | "full" | "custom";

export const PRESET_LABELS: Record<KeyPreset, string> = {
  "read-only": "Read-only",
  write: "Write",
  full: "Full access",
  custom: "Custom",
};

/** The grants a preset gives over the enabled products. */
export function presetPermissions(preset: Exclude<KeyPreset, "custom">, products: readonly ApiProduct[]): string[] {
  return ALL_KEY_PERMISSIONS.filter((p) => {
    const product = productOf(p);
    if (!product || !products.includes(product)) return false;
    if (preset === "full") return true;
    return p.endsWith(preset === "read-only" ? ":view" : ":edit");
  });
}

/** Which preset a set of grants is, or "custom". */
export function presetOf(permissions: readonly string[], products: readonly ApiProduct[]): KeyPreset {
  const chosen = [...new Set(permissions)].sort().join(",");
  // Where two presets give the same grants (a product with nothing to edit), the narrower name wins.
  for (const preset of ["read-only", "write", "full"] as const) {
    const grants = presetPermissions(preset, products);
    if (grants.length > 0 && grants.sort().join(",") === chosen) return preset;
  }
  return "custom";
}

type AppliedPreset = Exclude<KeyPreset, "custom">;

/** The grants a preset gives within one product group, whether or not the group is enabled. */
export function groupPresetPermissions(preset: AppliedPreset, product: ApiProduct): string[] {
  return presetPermissions(preset, [product]);
}

/** Which preset one product group's grants are: "none" when it has none, "custom" when no preset fits. */
export function groupPresetOf(permissions: readonly string[], product: ApiProduct): KeyPreset | "none" {
  const inGroup = permissions.filter((p) => productOf(p) === product);
  if (inGroup.length === 0) return "none";
  return presetOf(inGroup, [product]);
}

/**
 * The grants after applying a preset to one product group: that group's grants are replaced by the
 * preset's, every other group keeps its own. A preset on a group that is not enabled changes nothing.
 */
export function applyGroupPreset(permissions: readonly string[], preset: AppliedPreset, product: ApiProduct, products: readonly ApiProduct[]): string[] {
  if (!products.includes(product)) return [...new Set(permissions)].sort();
  const others = permissions.filter((p) => productOf(p) !== product);
  return [...new Set([...others, ...groupPresetPermissions(preset, product)])].sort();
}

const PRESET_VERBS: Record<AppliedPreset, string> = { "read-only": "view", write: "edit", full: "grant" };

/**
 * Why a preset cannot be chosen, in words for the person choosing: it would grant nothing ("Account
 * information has nothing to edit"), or it is Full access granting no more than a narrower preset.
 * Null when it can be chosen. For one product group pass `[group]`; for the
 * overall preset pass the organisation's enabled products.
 */
export function presetUnavailableReason(preset: AppliedPreset, products: readonly ApiProduct[]): string | null {
  const grants = presetPermissions(preset, products);
  if (products.length === 0) return "No API product is enabled for your organisation";
  const labels = products.map((product) => KEY_PRODUCT_GROUPS.find((g) => g.product === product)?.label ?? product);
  const subject = labels.length === 1 ? `${labels[0]} has` : `${joinWords(labels)} have`;
  if (grants.length === 0) return `${subject} nothing to ${PRESET_VERBS[preset]}`;
  // Full access that adds nothing to another preset would only be that preset under a bigger name.
  if (preset === "full") {
    for (const narrower of ["read-only", "write"] as const) {
      if (presetPermissions(narrower, products).length === grants.length) return `Full access is the same as ${PRESET_LABELS[narrower]} here`;
    }
  }
  return null;
}

const VIEW_WORDS: Record<string, string> = {
  accounts: "account details",
  balances: "balances",
  transactions: "transactions",
  statements: "statements",
  tax_certificates: "tax certificates",
  payments: "payments",
  card_code: "card code",
};

/**
 * The review step's plain-language summary: "This LIVE key can view balances and transactions of
 * ••1234 and ••5678 and create payments that wait for approval. It expires on 20 Feb 2027."
 */
export function describeKey(input: { mode: "live" | "test"; permissions: readonly string[]; accounts: string[]; expiresOn: string }): string {
  const has = (p: string) => input.permissions.includes(p);
  const views = Object.keys(VIEW_WORDS)
    .filter((e) => has(`${e}:view`))
    .map((e) => VIEW_WORDS[e]!);
  const actions: string[] = [];
  if (has("transfers:edit")) actions.push("move money between its accounts");
  if (has("payments:edit")) actions.push("create payments that wait for approval");
  if (has("card_code:edit")) actions.push("replace card code");
  const where = input.accounts.length ? joinWords(input.accounts) : "the accounts you choose";
  const parts: string[] = [];
  if (views.length) parts.push(`view ${joinWords(views)} of ${where}`);
  if (actions.length) parts.push(views.length ? joinWords(actions) : `${joinWords(actions)} with ${where}`);
  const can = parts.length ? `can ${parts.join(" and ")}` : "cannot do anything yet";
  return `This ${input.mode.toUpperCase()} key ${can}. It expires on ${input.expiresOn}.`;
}

export function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** "View: Accounts, Balances · Edit: Payments" — grants in words, in catalogue order. */
export function permissionsInWords(permissions: readonly string[]): string {
  const entities = KEY_PRODUCT_GROUPS.flatMap((g) => g.entities);
  const of = (access: KeyAccess) => entities.filter((e) => permissions.includes(`${e.entity}:${access}`)).map((e) => e.label);
  return (["view", "edit"] as const)
    .map((access) => [access, of(access)] as const)
    .filter(([, labels]) => labels.length)
    .map(([access, labels]) => `${access === "view" ? "View" : "Edit"}: ${labels.join(", ")}`)
    .join(" · ");
}
