import { Writable } from "node:stream";
import { vi } from "vitest";
import { redirectLog } from "@/lib/observability/log";

/**
 * Everything the code under test writes while `work` runs: its JSON log lines (every level) and
 * anything printed to the console. For proving that a secret never reaches a log line, and that a
 * line that should be written is.
 */
export async function captureOutput<T>(work: () => Promise<T>): Promise<{ result: T; text: string; lines: Record<string, unknown>[] }> {
  const logged: string[] = [];
  const printed: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  const restore = redirectLog(sink);
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" "))),
  );
  try {
    const result = await work();
    const lines = parseLines(logged);
    const text = [...logged, ...printed].join("\n");
    return { result, text, lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
    restore();
  }
}

/** The process's JSON log lines from now until `restore()`, for a test that spans many calls. */
export function captureLog(): { lines(): Record<string, unknown>[]; restore(): void } {
  const logged: string[] = [];
  const restore = redirectLog(
    new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    }),
  );
  return { lines: () => parseLines(logged), restore };
}

function parseLines(chunks: string[]): Record<string, unknown>[] {
  return chunks
    .join("")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
