/** Audit actions in words, for the audit log and the key trail. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "auth.sign_in": "Signed in",
  "auth.sign_out": "Signed out",
  "auth.pin_set": "Set their PIN",
  "auth.pin_failed": "Entered a wrong PIN",
  "auth.pin_locked": "Locked PIN actions (5 wrong PINs)",
  "key.create": "Created an API key",
  "key.renew": "Renewed an API key",
  "key.regenerate": "Regenerated an API key's secret",
  "key.delete": "Deleted an API key",
  "payment.approve": "Approved and executed a payment",
  "payment.reject": "Rejected a payment",
  "api.transfer": "Transferred money (API)",
  "api.payment_create": "Created a payment (API)",
  "api.card_code_update": "Replaced card code (API)",
};

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}
