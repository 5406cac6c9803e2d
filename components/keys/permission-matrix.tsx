"use client";

import { Check, X } from "lucide-react";
import { useId } from "react";
import {
  applyGroupPreset,
  groupPresetOf,
  KEY_PRODUCT_GROUPS,
  PRESET_LABELS,
  presetOf,
  presetPermissions,
  presetUnavailableReason,
  type KeyAccess,
  type KeyPreset,
} from "@/lib/key-permissions";
import type { ApiProduct } from "@/lib/permissions";
import { SegmentedControl } from "@/components/ui/segmented-control";
import { cn } from "@/lib/utils";

const ACCESS: KeyAccess[] = ["view", "edit"];
const PRESETS = ["read-only", "write", "full"] as const;

function reasonsFor(products: readonly ApiProduct[]) {
  return Object.fromEntries(PRESETS.map((p) => [p, presetUnavailableReason(p, products)])) as Record<(typeof PRESETS)[number], string | null>;
}

/**
 * Entities × View/Edit grouped by product, with presets. `readOnly` shows a key's fixed grants. An
 * `error` is announced, describes the table and marks its checkboxes invalid; `errorId` names it, so
 * the wizard can point at it.
 */
export function PermissionMatrix({
  products,
  value,
  onChange,
  error,
  errorId = "permissions-error",
  readOnly = false,
}: {
  products: readonly ApiProduct[];
  value: string[];
  onChange?: (permissions: string[]) => void;
  error?: string;
  errorId?: string;
  readOnly?: boolean;
}) {
  const preset = value.length ? presetOf(value, products) : null;
  const enabledProducts = KEY_PRODUCT_GROUPS.map((g) => g.product).filter((p) => products.includes(p));
  // With one product the overall preset is that product's; a second control would only repeat it.
  const perGroup = !readOnly && enabledProducts.length > 1;
  const toggle = (permission: string, on: boolean) => onChange?.(on ? [...new Set([...value, permission])].sort() : value.filter((p) => p !== permission));

  return (
    <div className="space-y-4">
      {!readOnly ? (
        <div className="flex flex-wrap items-start gap-x-4 gap-y-2">
          <span className="pt-1.5 text-sm font-medium text-zinc-800" aria-hidden>
            {perGroup ? "All products" : "Preset"}
          </span>
          <PresetControl
            label="Preset for all products"
            announce
            value={preset}
            reasons={reasonsFor(enabledProducts)}
            onSelect={(p) => onChange?.(presetPermissions(p, products).sort())}
          />
          <span className="pt-1.5 text-sm text-zinc-600" aria-live="polite">
            {value.length} {value.length === 1 ? "permission" : "permissions"} selected
          </span>
        </div>
      ) : null}

      <div className="overflow-hidden rounded-lg border border-zinc-200">
        <table className="w-full text-sm" aria-label="Key permissions" aria-describedby={error ? errorId : undefined}>
          <thead className="bg-zinc-50 text-xs text-zinc-600">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-medium sm:px-4">
                Entity
              </th>
              {ACCESS.map((access) => (
                <th key={access} scope="col" className="w-14 px-2 py-2 text-center font-medium sm:w-20 sm:px-4">
                  {access === "view" ? "View" : "Edit"}
                </th>
              ))}
            </tr>
          </thead>
          {KEY_PRODUCT_GROUPS.map((group) => {
            const enabled = products.includes(group.product);
            return (
              <tbody key={group.product} className={cn(!enabled && "bg-zinc-50/60")}>
                <tr className="border-t border-zinc-200">
                  <th
                    scope="rowgroup"
                    colSpan={3}
                    className="bg-zinc-50/80 px-3 py-2 text-left text-xs sm:px-4 font-semibold tracking-wide text-zinc-700 uppercase"
                  >
                    <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1.5">
                      <span className="pt-1">
                        {group.label}
                        {!enabled ? (
                          <span className="ml-2 font-normal tracking-normal normal-case text-zinc-600">Not enabled for your organisation</span>
                        ) : null}
                      </span>
                      {perGroup && enabled ? (
                        <PresetControl
                          size="sm"
                          label={`${group.label} preset`}
                          value={groupPresetOf(value, group.product)}
                          reasons={reasonsFor([group.product])}
                          onSelect={(p) => onChange?.(applyGroupPreset(value, p, group.product, products))}
                        />
                      ) : null}
                    </div>
                  </th>
                </tr>
                {group.entities.map((entity) => (
                  <tr key={entity.entity} className="border-t border-zinc-100">
                    <th scope="row" className="px-3 py-2.5 text-left font-normal sm:px-4">
                      <span className={cn("block font-medium", enabled ? "text-zinc-900" : "text-zinc-600")}>{entity.label}</span>
                      <span className="block text-xs text-zinc-600">{entity.description}</span>
                    </th>
                    {ACCESS.map((access) => {
                      const permission = `${entity.entity}:${access}`;
                      const name = `${access === "view" ? "View" : "Edit"} ${entity.label.toLowerCase()}`;
                      // Three marks that differ in shape, not only in shade: ✓ granted, × not granted, — not available.
                      if (!entity.access.includes(access)) {
                        return (
                          <td key={access} className="px-2 py-2.5 text-center sm:px-4 text-zinc-500">
                            <span aria-hidden>—</span>
                            <span className="sr-only">Not available</span>
                          </td>
                        );
                      }
                      const checked = value.includes(permission);
                      if (readOnly) {
                        return (
                          <td key={access} className="px-2 py-2.5 text-center sm:px-4">
                            {checked ? (
                              <Check className="mx-auto size-4 text-emerald-700" strokeWidth={2.5} aria-hidden />
                            ) : (
                              <X className="mx-auto size-4 text-zinc-500" aria-hidden />
                            )}
                            <span className="sr-only">{`${name}: ${checked ? "granted" : "not granted"}`}</span>
                          </td>
                        );
                      }
                      return (
                        <td key={access} className="px-2 py-2.5 text-center sm:px-4">
                          <input
                            type="checkbox"
                            className="size-4 accent-accent-600"
                            aria-label={name}
                            aria-invalid={error && enabled ? true : undefined}
                            checked={checked}
                            disabled={!enabled}
                            onChange={(e) => toggle(permission, e.target.checked)}
                          />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            );
          })}
        </table>
      </div>
      {error ? (
        <p id={errorId} role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type AppliedPreset = Exclude<KeyPreset, "custom">;
const OPTIONS: AppliedPreset[] = ["read-only", "write", "full"];

/**
 * The preset picker: Read-only · Write · Full access as one segmented control. When the grants match
 * no preset, none is chosen and a status says they are custom (it was a "Custom" option that could not
 * be chosen, which screen readers announced as "checked, unavailable"). A preset that would grant
 * nothing is disabled and says why, visibly and as the option's description.
 */
function PresetControl({
  label,
  value,
  reasons,
  onSelect,
  announce = false,
  size = "md",
}: {
  /** The group's accessible name, e.g. "Preset for all products". */
  label: string;
  /** The preset the grants match now; "none" or null when nothing is granted. */
  value: KeyPreset | "none" | null;
  /** Why a preset is unavailable, by preset; absent when it is available. */
  reasons: Partial<Record<AppliedPreset, string | null>>;
  onSelect: (preset: AppliedPreset) => void;
  /** Announce the custom state as it changes (the overall control; the groups' would only repeat it). */
  announce?: boolean;
  size?: "sm" | "md";
}) {
  const id = useId();
  const unavailable = OPTIONS.filter((p) => reasons[p]);
  const custom = value === "custom";
  return (
    <div className="flex min-w-0 flex-col items-start gap-1">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <SegmentedControl
          label={label}
          size={size}
          value={value === "custom" || value === "none" ? null : value}
          onValueChange={onSelect}
          describedBy={custom ? `${id}-custom` : undefined}
          options={OPTIONS.map((p) => ({
            value: p,
            label: PRESET_LABELS[p],
            disabled: Boolean(reasons[p]),
            describedBy: reasons[p] ? `${id}-${p}` : undefined,
            title: reasons[p] ?? undefined,
          }))}
        />
        <p
          id={`${id}-custom`}
          role={announce ? "status" : undefined}
          className={cn("font-normal tracking-normal normal-case text-zinc-700", size === "sm" ? "text-xs" : "text-sm")}
        >
          {custom ? (
            <>
              <span className="font-medium text-zinc-900">{PRESET_LABELS.custom}</span> — your own choice of permissions
            </>
          ) : null}
        </p>
      </div>
      {unavailable.map((p) => (
        <p key={p} id={`${id}-${p}`} className="text-xs font-normal tracking-normal normal-case text-zinc-600">
          {reasons[p]}
        </p>
      ))}
    </div>
  );
}
