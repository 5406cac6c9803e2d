/**
 * How a member confirms a sensitive action: the 6-digit PIN, or a passkey assertion for a challenge
 * issued for that one action on that one target by the command itself. Types only — client
 * components import this module, so it holds no validation library and nothing of the server.
 */
import type { AuthenticationResponseJSON } from "@simplewebauthn/browser";

/** What the browser's `startAuthentication` returns, sent back as it is. */
export type PasskeyAssertion = AuthenticationResponseJSON;

/**
 * A PIN-confirmed command's confirmation: the PIN, or a passkey — never both. `passkey: "challenge"`
 * asks the command for the challenge to sign (answered as a `passkey_challenge` refusal).
 */
export type StepUp = { pin: string; passkey?: undefined } | { passkey: PasskeyAssertion | "challenge"; pin?: undefined };

/**
 * What a passkey challenge is issued for: the command's audit action, the id of its target (null
 * when it has none) and the digest of its input — the one change the assertion confirms.
 */
export type StepUpTarget = { action: string; targetId: string | null; inputDigest: string };
