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
  "member.invite": "Invited a member",
  "member.invitation_withdraw": "Withdrew an invitation",
  "member.join": "Joined with an invitation",
  "member.role_change": "Changed a member's role",
  "member.remove": "Removed a member",
  "member.superadmin_handover": "Handed on the Superadmin role",
  "role.create": "Created a role",
  "role.update": "Edited a role",
  "role.delete": "Deleted a role",
  "credentials.rotate": "Rotated a client secret",
  "credentials.application_add": "Added an application",
  "organisation.approve": "Approved the organisation (bank)",
  "organisation.suspend": "Suspended the organisation (bank)",
  "organisation.products": "Changed the API products (bank)",
};

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}
