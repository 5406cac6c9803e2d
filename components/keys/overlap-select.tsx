"use client";

import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { SECRET_OVERLAPS, type SecretOverlap } from "@/lib/schemas/secret-overlaps";

/** "When the old … stops working": at once, or after 1 hour, 24 hours or 7 days — labelled, with its hint. */
export function OverlapSelect({
  id,
  label,
  hint,
  value,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  value: SecretOverlap;
  onChange: (overlap: SecretOverlap) => void;
}) {
  return (
    <Field id={id} label={label} hint={hint}>
      <Select id={id} aria-describedby={`${id}-hint`} value={value} onChange={(e) => onChange(e.target.value as SecretOverlap)}>
        {(Object.keys(SECRET_OVERLAPS) as SecretOverlap[]).map((o) => (
          <option key={o} value={o}>
            {o === "none" ? "At once" : `After ${SECRET_OVERLAPS[o].label}`}
          </option>
        ))}
      </Select>
    </Field>
  );
}
