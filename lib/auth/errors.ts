/** Why a request may not go ahead. Turned into a message or a redirect once, at the boundary. */
export type AccessErrorCode = "unauthenticated" | "pin_setup_required" | "no_organisation" | "forbidden" | "not_operator";

export class AccessError extends Error {
  constructor(
    readonly code: AccessErrorCode,
    message: string = ACCESS_MESSAGES[code],
  ) {
    super(message);
    this.name = "AccessError";
  }
}

export const ACCESS_MESSAGES: Record<AccessErrorCode, string> = {
  unauthenticated: "Your session has ended. Sign in again.",
  pin_setup_required: "Set your PIN before you continue.",
  no_organisation: "You are not a member of any organisation.",
  forbidden: "Your role does not allow this.",
  not_operator: "Only bank operators can do this.",
};
