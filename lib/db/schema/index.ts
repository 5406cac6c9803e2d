import "server-only";

export * from "./enums";
export * from "./organisations";
export * from "./users";
export * from "./banking";
export * from "./keys";
export * from "./passkeys";
export { auditEvents, notifications, emailOutbox, rateLimits } from "./activity";
export * from "./webhooks";
