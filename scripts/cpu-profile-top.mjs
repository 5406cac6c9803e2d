// `node scripts/cpu-profile-top.mjs <file.cpuprofile | dir> [N]`: the N (10 by default) hottest
// frames of a V8 CPU profile (from `node --cpu-prof`, or the server's LATCHKEY_CPU_PROF), by self
// time and by inclusive time, as percentages of the samples. Given a folder, reads the largest
// .cpuprofile in it. Frames are merged by function, file and line, whatever their call path.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const [target, count = "10"] = process.argv.slice(2);
if (!target) {
  console.error("usage: node scripts/cpu-profile-top.mjs <file.cpuprofile | dir> [N]");
  process.exit(2);
}
let file = target;
if (statSync(target).isDirectory()) {
  const profiles = readdirSync(target)
    .filter((name) => name.endsWith(".cpuprofile"))
    .map((name) => path.join(target, name))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!profiles.length) throw new Error(`no .cpuprofile in ${target}`);
  file = profiles[0];
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const N = Number(count);

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

const frameOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^file:\/\//, "").replace(`${process.cwd()}/`, "")}:${lineNumber + 1}` : "";
  return `${functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
};

const self = new Map();
const inclusive = new Map();
for (const [id, samples] of selfSamples) {
  const node = nodes.get(id);
  const frame = frameOf(node);
  self.set(frame, (self.get(frame) ?? 0) + samples);
  // Each sample counts once for every distinct frame on its stack (recursion counted once).
  const seen = new Set();
  for (let current = id; current !== undefined; current = parent.get(current)) {
    const f = frameOf(nodes.get(current));
    if (seen.has(f)) continue;
    seen.add(f);
    inclusive.set(f, (inclusive.get(f) ?? 0) + samples);
  }
}

const ms = (profile.endTime - profile.startTime) / 1000;
const idle = [...self].filter(([f]) => f.startsWith("(idle)")).reduce((sum, [, n]) => sum + n, 0);
console.log(`${path.basename(file)}: ${total} samples over ${(ms / 1000).toFixed(1)} s, ${((100 * idle) / total).toFixed(1)}% idle`);
const show = (title, map, skip) => {
  console.log(`\n${title}`);
  const rows = [...map]
    .filter(([f]) => !skip(f))
    .sort((a, b) => b[1] - a[1])
    .slice(0, N);
  for (const [frame, samples] of rows) console.log(`${((100 * samples) / total).toFixed(1).padStart(5)}%  ${frame}`);
};
show(`top ${N} frames by self time`, self, (f) => f.startsWith("(idle)"));
show(`top ${N} frames by inclusive time`, inclusive, (f) => /^\((root|idle|program)\)/.test(f));
