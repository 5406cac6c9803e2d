"use client";

import { Check } from "lucide-react";
import { KEY_PRODUCT_GROUPS, PRESET_LABELS, presetOf, presetPermissions, type KeyAccess, type KeyPreset } from "@/lib/key-permissions";
import type { ApiProduct } from "@/lib/permissions";
import { cn } from "@/lib/utils";

const ACCESS: KeyAccess[] = ["view", "edit"];
const PRESETS: Exclude<KeyPreset, "custom">[] = ["read-only", "write", "full"];

/** Entities × View/Edit grouped by product, with presets. `readOnly` shows a key's fixed grants. */
export function PermissionMatrix({
  products,
  value,
  onChange,
  error,
  readOnly = false,
}: {
  products: readonly ApiProduct[];
  value: string[];
  onChange?: (permissions: string[]) => void;
  error?: string;
  readOnly?: boolean;
}) {
  const preset = value.length ? presetOf(value, products) : null;
  const toggle = (permission: string, on: boolean) =>
    onChange?.(on ? [...new Set([...value, permission])].sort() : value.filter((p) => p !== permission));

  return (
    <div className="space-y-4">
      {!readOnly ? (
        <div className="flex flex-wrap items-center gap-3">
          <div role="radiogroup" aria-label="Preset" className="inline-flex rounded-lg border border-zinc-200 bg-zinc-50 p-0.5">
            {[...PRESETS, "custom" as const].map((p) => {
              const active = preset === p;
              return (
                <button
                  key={p}
                  type="button"
                  role="radio"
                  aria-checked={active}
                  disabled={p === "custom"}
                  onClick={() => p !== "custom" && onChange?.(presetPermissions(p, products).sort())}
                  className={cn(
                    "rounded-md px-3 py-1.5 text-sm font-medium",
                    active ? "bg-white text-zinc-900 shadow-sm ring-1 ring-zinc-200" : "text-zinc-600 hover:text-zinc-900",
                    p === "custom" && !active && "cursor-default text-zinc-400 hover:text-zinc-400",
                  )}
                >
                  {PRESET_LABELS[p]}
                </button>
              );
            })}
          </div>
          <span className="text-sm text-zinc-500" aria-live="polite">
            {value.length} {value.length === 1 ? "permission" : "permissions"} selected
          </span>
        </div>
      ) : null}

      <div className="overflow-hidden rounded-lg border border-zinc-200">
        <table className="w-full text-sm" aria-label="Key permissions">
          <thead className="bg-zinc-50 text-xs text-zinc-500">
            <tr>
              <th scope="col" className="px-4 py-2 text-left font-medium">
                Entity
              </th>
              {ACCESS.map((access) => (
                <th key={access} scope="col" className="w-20 px-4 py-2 text-center font-medium">
                  {access === "view" ? "View" : "Edit"}
                </th>
              ))}
            </tr>
          </thead>
          {KEY_PRODUCT_GROUPS.map((group) => {
            const enabled = products.includes(group.product);
            return (
              <tbody key={group.product} className={cn(!enabled && "bg-zinc-50/60 text-zinc-400")}>
                <tr className="border-t border-zinc-200">
                  <th scope="rowgroup" colSpan={3} className="bg-zinc-50/80 px-4 py-2 text-left text-xs font-semibold tracking-wide text-zinc-700 uppercase">
                    {group.label}
                    {!enabled ? <span className="ml-2 font-normal tracking-normal normal-case text-zinc-500">Not enabled for your organisation</span> : null}
                  </th>
                </tr>
                {group.entities.map((entity) => (
                  <tr key={entity.entity} className="border-t border-zinc-100">
                    <th scope="row" className="px-4 py-2.5 text-left font-normal">
                      <span className={cn("block font-medium", enabled ? "text-zinc-900" : "text-zinc-400")}>{entity.label}</span>
                      <span className="block text-xs text-zinc-500">{entity.description}</span>
                    </th>
                    {ACCESS.map((access) => {
                      const permission = `${entity.entity}:${access}`;
                      if (!entity.grants[access]) {
                        return (
                          <td key={access} className="px-4 py-2.5 text-center text-zinc-300" aria-label="Not available">
                            —
                          </td>
                        );
                      }
                      const checked = value.includes(permission);
                      if (readOnly) {
                        return (
                          <td key={access} className="px-4 py-2.5 text-center">
                            {checked ? (
                              <Check className="mx-auto size-4 text-emerald-600" aria-label={`${access === "view" ? "View" : "Edit"} ${entity.label.toLowerCase()}: granted`} />
                            ) : (
                              <span className="text-zinc-300" aria-label={`${access === "view" ? "View" : "Edit"} ${entity.label.toLowerCase()}: not granted`}>
                                ·
                              </span>
                            )}
                          </td>
                        );
                      }
                      return (
                        <td key={access} className="px-4 py-2.5 text-center">
                          <input
                            type="checkbox"
                            className="size-4 accent-accent-600"
                            aria-label={`${access === "view" ? "View" : "Edit"} ${entity.label.toLowerCase()}`}
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
      {error ? <p className="text-sm text-red-700">{error}</p> : null}
    </div>
  );
}
