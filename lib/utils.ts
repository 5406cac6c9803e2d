import { clsx, type ClassValue } from "clsx";
import { createTailwindMerge, validators } from "tailwind-merge";

const { isAny, isAnyNonArbitrary, isArbitraryLength, isArbitraryValue, isArbitraryVariable, isFraction, isInteger, isNumber, isTshirtSize } = validators;

const arbitrary = [isArbitraryVariable, isArbitraryValue];
const spacing = ["px", isNumber, ...arbitrary];
const sizing = [...spacing, isFraction, "auto", "full", "screen", "min", "max", "fit", isTshirtSize];
const color = [isAny];
const width = ["", isNumber, isArbitraryLength];
/** Groups named as their classes' prefix: groups("p", ["", "x"], values) is p-* and px-*. */
const groups = (prefix: string, suffixes: string[], values: unknown[]) =>
  Object.fromEntries(suffixes.map((suffix) => [`${prefix}${suffix}`, [{ [`${prefix}${suffix}`]: values }]]));
const SIDES = ["", "-x", "-y", "-t", "-r", "-b", "-l"];

/**
 * tailwind-merge with the class groups this portal's classes fall in, not its catalogue of all of
 * Tailwind, which every page's JavaScript carried (8.6 kB compressed; with this configuration 4.7):
 * cn("px-4", "px-0") keeps only px-0, as the full merge would. lib/__tests__/class-merge.test.ts holds it to the full
 * merge on every pair of classes the portal's sources use; a class in a group missing here fails it.
 */
const merge = createTailwindMerge(() => ({
  cacheSize: 500,
  theme: {},
  classGroups: {
    display: [
      "block",
      "inline-block",
      "inline",
      "flex",
      "inline-flex",
      "table",
      "inline-table",
      "table-row",
      "grid",
      "inline-grid",
      "contents",
      "list-item",
      "hidden",
    ],
    position: ["static", "fixed", "absolute", "relative", "sticky"],
    visibility: ["visible", "invisible", "collapse"],
    ...groups("", ["inset", "top", "right", "bottom", "left"], [...spacing, isFraction, "full", "auto"]),
    ...groups("p", ["", "x", "y", "t", "r", "b", "l"], spacing),
    ...groups("m", ["", "x", "y", "t", "r", "b", "l"], [...spacing, "auto"]),
    ...groups("gap", ["", "-x", "-y"], spacing),
    ...groups("space-", ["x", "y"], spacing),
    ...groups("scroll-m", ["t"], spacing),
    z: [{ z: [isInteger, "auto", ...arbitrary] }],
    basis: [{ basis: [isFraction, "full", "auto", ...spacing, isTshirtSize] }],
    flex: [{ flex: [isNumber, isFraction, "auto", "initial", "none", isArbitraryValue] }],
    grow: [{ grow: ["", isNumber, ...arbitrary] }],
    shrink: [{ shrink: ["", isNumber, ...arbitrary] }],
    "grid-cols": [{ "grid-cols": [isInteger, "none", "subgrid", ...arbitrary] }],
    "justify-content": [{ justify: ["start", "end", "center", "between", "around", "evenly", "stretch", "baseline", "normal"] }],
    "align-items": [{ items: ["start", "end", "center", "stretch", "baseline"] }],
    "align-self": [{ self: ["auto", "start", "end", "center", "stretch", "baseline"] }],
    w: [{ w: sizing }],
    h: [{ h: [...sizing, "lh"] }],
    size: [{ size: sizing }],
    "min-w": [{ "min-w": [...sizing, "none"] }],
    "min-h": [{ "min-h": [...sizing, "none", "lh"] }],
    "max-w": [{ "max-w": [...sizing, "none", "prose"] }],
    "max-h": [{ "max-h": [...sizing, "none", "lh"] }],
    "font-size": [{ text: ["base", isTshirtSize, isArbitraryLength] }],
    "font-weight": [{ font: ["thin", "extralight", "light", "normal", "medium", "semibold", "bold", "extrabold", "black"] }],
    "font-family": [{ font: [isAnyNonArbitrary] }],
    tracking: [{ tracking: ["tighter", "tight", "normal", "wide", "wider", "widest", ...arbitrary] }],
    leading: [{ leading: ["none", "tight", "snug", "normal", "relaxed", "loose", ...spacing] }],
    "text-alignment": [{ text: ["left", "center", "right", "justify", "start", "end"] }],
    "text-color": [{ text: color }],
    "text-transform": ["uppercase", "lowercase", "capitalize", "normal-case"],
    "list-style-type": [{ list: ["disc", "decimal", "none", ...arbitrary] }],
    "vertical-align": [{ align: ["baseline", "top", "middle", "bottom", "text-top", "text-bottom", "sub", "super", ...arbitrary] }],
    whitespace: [{ whitespace: ["normal", "nowrap", "pre", "pre-line", "pre-wrap", "break-spaces"] }],
    break: [{ break: ["normal", "words", "all", "keep"] }],
    overflow: [{ overflow: ["auto", "hidden", "clip", "visible", "scroll"] }],
    "overflow-x": [{ "overflow-x": ["auto", "hidden", "clip", "visible", "scroll"] }],
    "overflow-y": [{ "overflow-y": ["auto", "hidden", "clip", "visible", "scroll"] }],
    "bg-color": [{ bg: color }],
    rounded: [{ rounded: ["", "none", "full", isTshirtSize, ...arbitrary] }],
    ...Object.fromEntries(SIDES.map((side) => [`border-w${side}`, [{ [`border${side}`]: width }]])),
    ...Object.fromEntries(SIDES.map((side) => [`border-color${side}`, [{ [`border${side}`]: color }]])),
    "border-collapse": [{ border: ["collapse", "separate"] }],
    "border-style": [{ border: ["solid", "dashed", "dotted", "double", "hidden", "none"] }],
    "outline-w": [{ outline: width }],
    "outline-style": [{ outline: ["solid", "dashed", "dotted", "double", "none", "hidden"] }],
    "outline-offset": [{ "outline-offset": [isNumber, ...arbitrary] }],
    "outline-color": [{ outline: color }],
    "ring-w": [{ ring: width }],
    "ring-w-inset": ["ring-inset"],
    "ring-color": [{ ring: color }],
    shadow: [{ shadow: ["", "inner", "none", isTshirtSize, ...arbitrary] }],
    "shadow-color": [{ shadow: color }],
    transition: [{ transition: ["", "all", "colors", "opacity", "shadow", "transform", "none", ...arbitrary] }],
    animate: [{ animate: ["none", "spin", "ping", "pulse", "bounce", ...arbitrary] }],
    "translate-x": [{ "translate-x": [isFraction, "full", ...spacing] }],
    "translate-y": [{ "translate-y": [isFraction, "full", ...spacing] }],
    cursor: [{ cursor: ["auto", "default", "pointer", "wait", "text", "move", "help", "not-allowed", "none", "grab", "grabbing", ...arbitrary] }],
    "stroke-w": [{ stroke: [isNumber, isArbitraryLength] }],
    stroke: [{ stroke: color }],
  },
  conflictingClassGroups: {
    inset: ["top", "right", "bottom", "left"],
    p: ["px", "py", "pt", "pr", "pb", "pl"],
    px: ["pr", "pl"],
    py: ["pt", "pb"],
    m: ["mx", "my", "mt", "mr", "mb", "ml"],
    mx: ["mr", "ml"],
    my: ["mt", "mb"],
    gap: ["gap-x", "gap-y"],
    size: ["w", "h"],
    "font-size": ["leading"],
    overflow: ["overflow-x", "overflow-y"],
    "border-w": ["border-w-x", "border-w-y", "border-w-t", "border-w-r", "border-w-b", "border-w-l"],
    "border-w-x": ["border-w-r", "border-w-l"],
    "border-w-y": ["border-w-t", "border-w-b"],
    "border-color": ["border-color-x", "border-color-y", "border-color-t", "border-color-r", "border-color-b", "border-color-l"],
    "border-color-x": ["border-color-r", "border-color-l"],
    "border-color-y": ["border-color-t", "border-color-b"],
    flex: ["basis", "grow", "shrink"],
  },
  conflictingClassGroupModifiers: { "font-size": ["leading"] },
  orderSensitiveModifiers: [
    "*",
    "**",
    "after",
    "backdrop",
    "before",
    "details-content",
    "file",
    "first-letter",
    "first-line",
    "marker",
    "placeholder",
    "selection",
  ],
}));

export function cn(...inputs: ClassValue[]) {
  return merge(clsx(inputs));
}
