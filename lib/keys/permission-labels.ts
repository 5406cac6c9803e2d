/**
 * A key permission as a person reads it in a list: "Balances (view)", "Payments (edit)". Shared, pure
 * (the renew dialog and the server's refusals say the same words).
 */
import { KEY_PRODUCT_GROUPS } from "@/lib/key-permissions";

export function permissionLabel(permission: string): string {
  const [entity, access] = permission.split(":");
  const label = KEY_PRODUCT_GROUPS.flatMap((g) => g.entities).find((e) => e.entity === entity)?.label ?? entity;
  return `${label} (${access})`;
}

/** Several permissions in catalogue order, joined: "Balances (view), Payments (edit)". */
export function permissionLabels(permissions: readonly string[]): string {
  const order = KEY_PRODUCT_GROUPS.flatMap((g) => g.entities.flatMap((e) => e.access.map((a) => `${e.entity}:${a}`)));
  return [...permissions]
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map(permissionLabel)
    .join(", ");
}
