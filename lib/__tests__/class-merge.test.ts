import path from "node:path";
import { Scanner } from "@tailwindcss/oxide";
import { twMerge } from "tailwind-merge";
import { describe, expect, it } from "vitest";
import { cn } from "@/lib/utils";

/**
 * cn merges with a tailwind-merge configured for the class groups the portal uses (lib/utils.ts), not
 * the whole catalogue, which the browser would download on every page. It must still merge as the
 * full one does: for every ordered pair of the classes Tailwind finds in the portal's sources — the
 * same scan that decides which CSS exists — both must keep the same classes. A later class drops an
 * earlier one of its group, or of a group it overrides (px-4 then px-0; p-4 then px-0 keeps both).
 * Pairs decide any longer list: the merge keeps a class unless one after it conflicts with it.
 */
const sources = new Scanner({
  sources: ["app", "components", "lib"].map((folder) => ({ base: path.resolve(folder), pattern: "**/*", negated: false })),
}).scan();
// A class either merge knows (a known class repeated is kept once; a word neither knows is left alone).
const known = sources.filter((candidate) => twMerge(`${candidate} ${candidate}`) === candidate || cn(candidate, candidate) === candidate);

describe("cn", () => {
  it("finds the portal's classes", () => {
    expect(known.length).toBeGreaterThan(400);
    for (const used of ["px-4", "text-sm", "text-zinc-600", "bg-white", "max-md:hidden", "hover:bg-zinc-50", "focus-visible:outline-2"]) {
      expect(known).toContain(used);
    }
  });

  it("merges every pair of the portal's classes as the full tailwind-merge does", () => {
    const differ: string[] = [];
    for (const first of known) {
      for (const second of known) {
        if (first === second) continue;
        const pair = `${first} ${second}`;
        const full = twMerge(pair);
        const ours = cn(pair);
        if (ours !== full) differ.push(`"${pair}": tailwind-merge keeps "${full}", cn keeps "${ours}" — add the class's group to lib/utils.ts`);
      }
    }
    expect(differ.slice(0, 20)).toEqual([]);
  });

  it("lets a later class override its group, with variants and opacity, and keeps what it does not know", () => {
    expect(cn("h-9 px-4", "px-0")).toBe("h-9 px-0");
    expect(cn("p-4", "px-0")).toBe("p-4 px-0");
    expect(cn("px-0", "p-4")).toBe("p-4");
    expect(cn("text-sm text-zinc-600", "text-red-700")).toBe("text-sm text-red-700");
    expect(cn("leading-6", "text-sm")).toBe("text-sm");
    expect(cn("bg-white hover:bg-zinc-50", "bg-zinc-200/80")).toBe("hover:bg-zinc-50 bg-zinc-200/80");
    expect(cn("max-md:block", "max-md:hidden", "md:flex")).toBe("max-md:hidden md:flex");
    expect(cn("flex-1", false, "flex-[2]")).toBe("flex-[2]");
    expect(cn("key-table", "tabular")).toBe("key-table tabular");
  });
});
