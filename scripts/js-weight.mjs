// What a page's first-load JavaScript is made of, by package and by our own files.
//
//   LATCHKEY_SOURCE_MAPS=1 npx next build
//   node scripts/js-weight.mjs /keys /keys/new /keys/[id]     (app routes; route groups are found)
//   node scripts/js-weight.mjs --top 40 /keys                 (more rows)
//   node scripts/js-weight.mjs --next /keys                   (Next's share split: React, router…)
//
// The script list is the one the page's HTML carries, but the polyfill: the root main files, then the
// entry chunks of every layout and the page in its client reference manifest (what `npm run bench`
// counts by fetching the HTML: every <script src>, gzipped, summed; kB = 1000 bytes). Each chunk's
// gzipped size is shared out among its sources in proportion to the minified bytes the source map
// gives them (without maps, a chunk is one row).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const NEXT = ".next";
const args = process.argv.slice(2);
let top = 25;
let DETAIL = false;
const routes = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--top") top = Number(args[++i]);
  else if (args[i] === "--next") DETAIL = true;
  else routes.push(args[i]);
}
if (routes.length === 0) routes.push("/keys", "/keys/new", "/keys/[id]");

/** The client reference manifest of an app route, route groups included ("/keys" → app/(portal)/keys). */
function manifestFor(route) {
  const parts = route.split("/").filter(Boolean);
  const found = [];
  const walk = (dir, rest, appPath) => {
    if (rest.length === 0) {
      const file = path.join(dir, "page_client-reference-manifest.js");
      if (existsSync(file)) found.push({ file, key: `${appPath}/page` });
    }
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (/^\(.*\)$/.test(entry.name)) walk(path.join(dir, entry.name), rest, `${appPath}/${entry.name}`);
      else if (rest.length > 0 && entry.name === rest[0]) walk(path.join(dir, entry.name), rest.slice(1), `${appPath}/${entry.name}`);
    }
  };
  walk(path.join(NEXT, "server", "app"), parts, "");
  if (found.length !== 1) throw new Error(`${route}: found ${found.length} page manifests`);
  const sandbox = { globalThis: {} };
  new Function("globalThis", readFileSync(found[0].file, "utf8"))(sandbox.globalThis);
  return sandbox.globalThis.__RSC_MANIFEST[found[0].key];
}

function scriptsOf(route) {
  const build = JSON.parse(readFileSync(path.join(NEXT, "build-manifest.json"), "utf8"));
  const manifest = manifestFor(route);
  // The polyfill is a `noModule` script: browsers with ES modules (every one the portal supports) never fetch it.
  const files = new Set(build.rootMainFiles);
  for (const list of Object.values(manifest.entryJSFiles ?? {})) for (const file of list) files.add(file);
  return [...files];
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = Object.fromEntries([...BASE64].map((c, i) => [c, i]));

/** Minified bytes per source of one (non-indexed) source map over the given generated code. */
function bytesPerSource(map, code, into) {
  const lines = code.split("\n");
  const mappingLines = map.mappings.split(";");
  let source = 0;
  let mapped = 0;
  for (let l = 0; l < lines.length; l++) {
    const segments = [];
    let column = 0;
    for (const segment of (mappingLines[l] ?? "").split(",")) {
      if (!segment) continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const c of segment) {
        const digit = DIGIT[c];
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length > 1) source += values[1];
      segments.push({ column, source: values.length > 1 ? source : -1 });
    }
    for (let s = 0; s < segments.length; s++) {
      const end = s + 1 < segments.length ? segments[s + 1].column : lines[l].length;
      const name = segments[s].source >= 0 ? map.sources[segments[s].source] : "(unmapped)";
      into.set(name, (into.get(name) ?? 0) + (end - segments[s].column));
      mapped += end - segments[s].column;
    }
  }
  return mapped;
}

/** "node_modules/radix-ui", "node_modules/@radix-ui/react-dialog", or our own file. */
function owner(source) {
  const clean = source.replace(/^turbopack:\/\/\/\[project\]\//, "").replace(/^turbopack:\/\/\//, "");
  const match = clean.match(/(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (!match) return clean;
  // lucide-react's maps name its own sources node_modules/shared/….
  if (match[1] === "shared") return "lucide-react";
  // Next carries React and its own router: say which.
  if (match[1] === "next" && DETAIL) {
    const inner = clean.match(/node_modules\/next\/(?:dist\/)?(?:compiled\/([^/]+)|(?:src|esm|dist)\/([^/]+(?:\/[^/]+)?))/);
    return `next: ${inner?.[1] ?? inner?.[2] ?? "?"}`;
  }
  return match[1];
}

function weigh(file) {
  const full = path.join(NEXT, file);
  const code = readFileSync(full, "utf8");
  const gzip = gzipSync(Buffer.from(code)).length;
  const shares = new Map();
  const mapFile = code.match(/\/\/# sourceMappingURL=(\S+)\s*$/)?.[1];
  const mapPath = mapFile ? path.join(path.dirname(full), mapFile) : `${full}.map`;
  if (existsSync(mapPath)) {
    const map = JSON.parse(readFileSync(mapPath, "utf8"));
    const bytes = new Map();
    if (map.sections) {
      const lines = code.split("\n");
      map.sections.forEach((section, i) => {
        const next = map.sections[i + 1]?.offset.line ?? lines.length;
        const slice = lines.slice(section.offset.line, next);
        if (section.offset.column) slice[0] = slice[0].slice(section.offset.column);
        bytesPerSource(section.map, slice.join("\n"), bytes);
      });
    } else bytesPerSource(map, code, bytes);
    const total = [...bytes.values()].reduce((a, b) => a + b, 0) || 1;
    for (const [source, n] of bytes) {
      const name = owner(source);
      shares.set(name, (shares.get(name) ?? 0) + (gzip * n) / total);
    }
  } else shares.set(`(no map) ${file}`, gzip);
  return { gzip, shares };
}

const kB = (n) => (n / 1000).toFixed(1).padStart(6);
for (const route of routes) {
  const files = scriptsOf(route);
  const totals = new Map();
  let sum = 0;
  for (const file of files) {
    const { gzip, shares } = weigh(file);
    sum += gzip;
    for (const [name, n] of shares) totals.set(name, (totals.get(name) ?? 0) + n);
  }
  console.log(`\n${route}: ${kB(sum)} kB first-load JS (${files.length} scripts, gzip)`);
  for (const [name, n] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${kB(n)}  ${name}`);
}
