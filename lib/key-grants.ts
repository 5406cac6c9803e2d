/**
 * What a key can do, said briefly for lists: its products, its grants in words per product, and
 * whether it can move money. Built on the catalogue in lib/key-permissions.ts; shared, pure.
 */
import { KEY_PRODUCT_GROUPS, type KeyPermission } from "./key-permissions";
import { API_PRODUCT_LABELS, type ApiProduct } from "./permissions";

/** Grants that let a key move money out of, or between, accounts. */
export const MONEY_MOVING_PERMISSIONS = ["transfers:edit", "payments:edit"] as const satisfies readonly KeyPermission[];

export function movesMoney(permissions: readonly string[]): boolean {
  return MONEY_MOVING_PERMISSIONS.some((p) => permissions.includes(p));
}

/** The API products a key's grants belong to, in catalogue order. */
export function keyProducts(permissions: readonly string[]): ApiProduct[] {
  return KEY_PRODUCT_GROUPS.filter((g) => g.entities.some((e) => e.access.some((a) => permissions.includes(`${e.entity}:${a}`)))).map((g) => g.product);
}

/** Every grant that belongs to a product: what the list's product filter matches against. */
export function productPermissions(product: ApiProduct): string[] {
  const group = KEY_PRODUCT_GROUPS.find((g) => g.product === product);
  return group ? group.entities.flatMap((e) => e.access.map((a) => `${e.entity}:${a}`)) : [];
}

export interface ProductGrants {
  product: ApiProduct;
  label: string;
  /** "View accounts, balances and transactions", "Create payments", "Move money between accounts". */
  lines: string[];
}

const EDIT_WORDS: Record<string, string> = {
  transfers: "Move money between its accounts",
  payments: "Create payments",
  card_code: "Change card codes",
};

/**
 * A key's grants per product, in words: "Account information — View accounts, balances and
 * transactions"; "Payments — View payments · Create payments".
 */
export function grantsByProduct(permissions: readonly string[]): ProductGrants[] {
  return KEY_PRODUCT_GROUPS.flatMap((group) => {
    const viewed = group.entities.filter((e) => permissions.includes(`${e.entity}:view`)).map((e) => e.label.toLowerCase());
    const edits = group.entities.filter((e) => permissions.includes(`${e.entity}:edit`)).map((e) => EDIT_WORDS[e.entity] ?? `Change ${e.label.toLowerCase()}`);
    const lines = [...(viewed.length ? [`View ${listWords(viewed)}`] : []), ...edits];
    return lines.length ? [{ product: group.product, label: API_PRODUCT_LABELS[group.product], lines }] : [];
  });
}

function listWords(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}
