/** How long a regenerated key's old secret keeps working, as the regenerate dialog offers it. */
export const SECRET_OVERLAPS = {
  none: { label: "Stop it at once", hours: 0 },
  "1h": { label: "1 hour", hours: 1 },
  "24h": { label: "24 hours", hours: 24 },
  "7d": { label: "7 days", hours: 168 },
} as const;
export type SecretOverlap = keyof typeof SECRET_OVERLAPS;
