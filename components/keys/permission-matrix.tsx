"use client";

import { Check } from "lucide-react";
import { useId, useRef, type KeyboardEvent } from "react";
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
import { cn } from "@/lib/utils";

const ACCESS: KeyAccess[] = ["view", "edit"];
const PRESETS = ["read-only", "write", "full"] as const;

function reasonsFor(products: readonly ApiProduct[]) {
  return Object.fromEntries(PRESETS.map((p) => [p, presetUnavailableReason(p, products)])) as Record<(typeof PRESETS)[number], string | null>;
}

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
            value={preset}
            reasons={reasonsFor(enabledProducts)}
            onSelect={(p) => onChange?.(presetPermissions(p, products).sort())}
          />
          <span className="pt-1.5 text-sm text-zinc-500" aria-live="polite">
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
                    <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1.5">
                      <span className="pt-1">
                        {group.label}
                        {!enabled ? (
                          <span className="ml-2 font-normal tracking-normal normal-case text-zinc-500">Not enabled for your organisation</span>
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
                    <th scope="row" className="px-4 py-2.5 text-left font-normal">
                      <span className={cn("block font-medium", enabled ? "text-zinc-900" : "text-zinc-400")}>{entity.label}</span>
                      <span className="block text-xs text-zinc-500">{entity.description}</span>
                    </th>
                    {ACCESS.map((access) => {
                      const permission = `${entity.entity}:${access}`;
                      if (!entity.access.includes(access)) {
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
                              <Check
                                className="mx-auto size-4 text-emerald-600"
                                aria-label={`${access === "view" ? "View" : "Edit"} ${entity.label.toLowerCase()}: granted`}
                              />
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

type AppliedPreset = Exclude<KeyPreset, "custom">;
const OPTIONS: KeyPreset[] = ["read-only", "write", "full", "custom"];

/**
 * A segmented control with radio-group semantics: one tab stop, arrow keys move and choose, Home/End
 * jump. "Custom" only shows the state (any toggle makes the grants custom) and cannot be chosen. A
 * preset that would grant nothing is disabled and says why, visibly and as the option's description.
 */
function PresetControl({
  label,
  value,
  reasons,
  onSelect,
  size = "md",
}: {
  /** The group's accessible name, e.g. "Preset for all products". */
  label: string;
  /** The preset the grants match now; "none" or null when nothing is granted. */
  value: KeyPreset | "none" | null;
  /** Why a preset is unavailable, by preset; absent when it is available. */
  reasons: Partial<Record<AppliedPreset, string | null>>;
  onSelect: (preset: AppliedPreset) => void;
  size?: "sm" | "md";
}) {
  const id = useId();
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const enabled = (p: KeyPreset) => p !== "custom" && !reasons[p];
  const tabStop = value && value !== "none" && enabled(value) ? value : OPTIONS.find(enabled);
  const unavailable = (["read-only", "write", "full"] as const).filter((p) => reasons[p]);

  function move(event: KeyboardEvent<HTMLButtonElement>, from: number) {
    const choices = OPTIONS.map((p, i) => ({ p, i })).filter(({ p }) => enabled(p));
    if (choices.length === 0) return;
    const at = choices.findIndex(({ i }) => i === from);
    let target: (typeof choices)[number] | undefined;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") target = choices[(at + 1) % choices.length];
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") target = choices[(at - 1 + choices.length) % choices.length];
    else if (event.key === "Home") target = choices[0];
    else if (event.key === "End") target = choices[choices.length - 1];
    if (!target) return;
    event.preventDefault();
    buttons.current[target.i]?.focus();
    onSelect(target.p as AppliedPreset);
  }

  return (
    <div className="flex flex-col items-start gap-1">
      <div role="radiogroup" aria-label={label} className={cn("inline-flex rounded-lg border border-zinc-200 bg-zinc-50 p-0.5", size === "sm" && "bg-white")}>
        {OPTIONS.map((p, i) => {
          const active = value === p;
          const reason = p === "custom" ? null : reasons[p];
          return (
            <button
              key={p}
              ref={(el) => {
                buttons.current[i] = el;
              }}
              type="button"
              role="radio"
              aria-checked={active}
              aria-describedby={reason ? `${id}-${p}` : undefined}
              disabled={!enabled(p)}
              tabIndex={p === tabStop ? 0 : -1}
              title={reason ?? undefined}
              onClick={() => p !== "custom" && onSelect(p)}
              onKeyDown={(e) => move(e, i)}
              className={cn(
                "rounded-md font-medium whitespace-nowrap normal-case tracking-normal focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-accent-500",
                size === "sm" ? "px-2.5 py-1 text-xs" : "px-3 py-1.5 text-sm",
                active ? "bg-white text-zinc-900 shadow-sm ring-1 ring-zinc-200" : "text-zinc-600 hover:text-zinc-900",
                p === "custom" && !active && "cursor-default text-zinc-400 hover:text-zinc-400",
                p === "custom" && active && "bg-accent-50 text-accent-700 ring-accent-200",
                reason && "cursor-not-allowed text-zinc-400 hover:text-zinc-400",
              )}
            >
              {PRESET_LABELS[p]}
            </button>
          );
        })}
      </div>
      {unavailable.map((p) => (
        <p key={p} id={`${id}-${p}`} className="text-xs font-normal tracking-normal normal-case text-zinc-500">
          {reasons[p]}
        </p>
      ))}
    </div>
  );
}
