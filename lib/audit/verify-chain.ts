import "server-only";
import { createHash } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";

/**
 * The audit log's hash chains (drizzle/0006): each organisation's events, and the events of no
 * organisation, numbered 1, 2, 3… by `chain_seq`, each storing the hash of the one before it
 * (`prev_hash`, 64 zeros for the first) and its own `hash` = SHA-256(prev_hash ‖ canonical JSON).
 *
 * The verifier takes each event's canonical JSON from the same SQL function the trigger hashed, and
 * recomputes the hashes here, walking every chain in order, in batches. It names the first event
 * where each chain breaks: an event whose content no longer matches its hash, one that does not link
 * to the event before it, events missing before it (or at the chain's end, by its head row), or two
 * events in one place.
 */

/** The chain key of the events of no organisation, as the trigger and the unique index spell it. */
export const NO_ORGANISATION_CHAIN = "none";
/** What the first event of a chain links to. */
export const GENESIS_HASH = "0".repeat(64);

const BATCH = 1000;
/** The chain key expression of drizzle/0006's unique index, so the walk reads that index in order. */
const chainKey = sql.raw("coalesce(e.org_id::text, 'none')");

export interface ChainBreak {
  /** The organisation whose chain it is; null for the events of no organisation. */
  orgId: string | null;
  /** The event where the chain breaks: the first that fails, or the newest present when newer ones are missing. */
  eventId: number | null;
  /** What is wrong, in a sentence without a capital or a full stop ("its content does not match its hash"). */
  problem: string;
}

export interface ChainReport {
  /** Events read, in every chain walked. */
  events: number;
  /** Events whose place, link and hash all check out. */
  verified: number;
  /** How many breaks were found: failing events, plus chains whose newest events or head are missing. */
  broken: number;
  /** The first break of each broken chain, in chain order (organisations by id, then `none`). */
  breaks: ChainBreak[];
}

interface EventRow extends Record<string, unknown> {
  id: number | string;
  chain: string;
  org_id: string | null;
  chain_seq: number | string;
  prev_hash: string;
  hash: string;
  canonical: string;
}

interface Last {
  id: number;
  seq: number;
  hash: string;
}

/** Rows in the walk's order: by chain and place as read, events sharing a place (a fork) by id. */
function inPlaceOrder(rows: EventRow[]): EventRow[] {
  const ordered: EventRow[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i + 1;
    while (j < rows.length && rows[j]!.chain === rows[i]!.chain && Number(rows[j]!.chain_seq) === Number(rows[i]!.chain_seq)) j++;
    ordered.push(...rows.slice(i, j).sort((a, b) => Number(a.id) - Number(b.id)));
    i = j;
  }
  return ordered;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Why `row` breaks its chain after `previous` (null for a chain's first event), or null when it holds. */
function checkEvent(row: { seq: number; prevHash: string; hash: string; canonical: string }, previous: Last | null): string | null {
  const expectedSeq = previous ? previous.seq + 1 : 1;
  if (previous && row.seq === previous.seq) return `it takes the same place in the chain (${row.seq}) as event #${previous.id}`;
  if (row.seq !== expectedSeq) {
    const missing = row.seq - expectedSeq;
    return `${missing === 1 ? "the event" : `${missing} events`} before it ${missing === 1 ? "is" : "are"} missing`;
  }
  if (row.prevHash !== (previous ? previous.hash : GENESIS_HASH)) {
    return previous ? `it does not link to the event before it (#${previous.id}), which was changed or replaced` : "it does not link to the start of the chain";
  }
  if (sha256Hex(row.prevHash + row.canonical) !== row.hash) return "its content does not match its hash";
  return null;
}

/**
 * Walks the audit chains — all of them, or with `orgId` only that organisation's (null: the events of
 * no organisation) — and reports how many events verify and where each chain breaks.
 */
export async function verifyAuditChains(db: Executor, options: { orgId?: string | null; batchSize?: number } = {}): Promise<ChainReport> {
  const only = options.orgId === undefined ? undefined : (options.orgId ?? NO_ORGANISATION_CHAIN);
  const batchSize = options.batchSize ?? BATCH;
  // The heads first: events appended meanwhile only lengthen a chain past them.
  const heads = new Map(
    (
      await db.execute<{ chain: string; seq: number | string; hash: string }>(
        only === undefined ? sql`select chain, seq, hash from audit_chain_heads` : sql`select chain, seq, hash from audit_chain_heads where chain = ${only}`,
      )
    ).rows.map((h) => [h.chain, { seq: Number(h.seq), hash: h.hash }]),
  );

  const report: ChainReport = { events: 0, verified: 0, broken: 0, breaks: [] };
  const firstBreak = new Map<string, ChainBreak>();
  const breakAt = (chain: string, eventId: number | null, problem: string) => {
    report.broken++;
    if (!firstBreak.has(chain)) firstBreak.set(chain, { orgId: chain === NO_ORGANISATION_CHAIN ? null : chain, eventId, problem });
  };
  const seen = new Set<string>();
  /** Once the walk has left a chain: its head must exist and be no further on than its newest event. */
  const closeChain = (chain: string, last: Last) => {
    const head = heads.get(chain);
    if (!head) return breakAt(chain, last.id, "the chain has no head record, so its newest events cannot be vouched for");
    if (last.seq < head.seq) {
      const missing = head.seq - last.seq;
      breakAt(chain, last.id, `${missing === 1 ? "the event" : `${missing} events`} after it, the chain's newest, ${missing === 1 ? "is" : "are"} missing`);
    }
  };

  const select = (where: SQL, limit?: number) =>
    db.execute<EventRow>(sql`
      select e.id, ${chainKey} as chain, e.org_id, e.chain_seq, e.prev_hash, e.hash, audit_event_canonical(e) as canonical
      from audit_events e
      where ${where}${only === undefined ? sql`` : sql` and ${chainKey} = ${only}`}
      order by ${chainKey}, e.chain_seq
      ${limit === undefined ? sql`` : sql`limit ${limit}`}`);

  let after: { chain: string; seq: number } | null = null;
  let current: string | null = null;
  let previous: Last | null = null;
  let headChecked = false;
  for (;;) {
    // Keyset paging in the unique index's order, so each batch is a range of the index.
    let { rows } = await select(after ? sql`(${chainKey}, e.chain_seq) > (${after.chain}, ${after.seq})` : sql`true`, batchSize);
    const full = rows.length === batchSize;
    const last = rows.at(-1);
    if (full && last) {
      // Two events in one place (a fork, were the unique index dropped) must not straddle two batches.
      const place = (await select(sql`${chainKey} = ${last.chain} and e.chain_seq = ${last.chain_seq}`)).rows;
      rows = [...rows.filter((r) => r.chain !== last.chain || Number(r.chain_seq) !== Number(last.chain_seq)), ...place];
    }
    for (const row of inPlaceOrder(rows)) {
      const event = { id: Number(row.id), seq: Number(row.chain_seq), prevHash: row.prev_hash, hash: row.hash, canonical: row.canonical };
      if (row.chain !== current) {
        if (current !== null && previous) closeChain(current, previous);
        current = row.chain;
        previous = null;
        headChecked = false;
        seen.add(current);
      }
      report.events++;
      const problem = checkEvent(event, previous);
      if (problem) breakAt(current, event.id, problem);
      else report.verified++;
      // The event at the head's place must be the one the head records, even if newer ones follow.
      const head = heads.get(current);
      if (!headChecked && head && event.seq === head.seq) {
        headChecked = true;
        if (event.hash !== head.hash) breakAt(current, event.id, "it is not the event the chain's head records as the newest");
      }
      previous = { id: event.id, seq: event.seq, hash: event.hash };
    }
    if (!full || !last) break;
    after = { chain: last.chain, seq: Number(last.chain_seq) };
  }
  if (current !== null && previous) closeChain(current, previous);
  for (const [chain, head] of heads) {
    if (!seen.has(chain)) breakAt(chain, null, `all ${head.seq === 1 ? "1 event" : `${head.seq} events`} of the chain are missing`);
  }

  report.breaks = [...firstBreak.values()].sort((a, b) => (a.orgId ?? "~").localeCompare(b.orgId ?? "~"));
  return report;
}

/** Whether the active organisation's chain verifies, for the audit page. */
export interface OrganisationChainStatus {
  events: number;
  /** Where the chain first breaks; null when every event verifies. */
  firstBreak: ChainBreak | null;
}

/** Walks the actor's organisation's chain (the audit log's readers only). */
export async function verifyOrganisationChain(db: Executor, actor: Actor): Promise<OrganisationChainStatus> {
  const { org } = authorize(actor, { permission: "audit:view" });
  const report = await verifyAuditChains(db, { orgId: org.id });
  return { events: report.events, firstBreak: report.breaks[0] ?? null };
}

const COUNT = new Intl.NumberFormat("en-GB");

/** The audit page's status line: "Chain verified · 1,203 events" or "Chain broken at event #57 — …". */
export function chainStatusText(status: OrganisationChainStatus): string {
  const { firstBreak, events } = status;
  if (!firstBreak) return `Chain verified · ${COUNT.format(events)} ${events === 1 ? "event" : "events"}`;
  return firstBreak.eventId === null ? `Chain broken — ${firstBreak.problem}` : `Chain broken at event #${firstBreak.eventId} — ${firstBreak.problem}`;
}
