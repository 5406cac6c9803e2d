/**
 * Where a message's one-time link goes: a line of its body holding exactly this. The body at rest
 * keeps the placeholder; the link itself is sealed (see `queueEmail`) and put in only at send time.
 * Client-safe: the outbox page marks the line.
 */
export const LINK_PLACEHOLDER = "{{link}}";
