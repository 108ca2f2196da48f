// The keyword form of a call of a user-defined module: `encoder({input: x,
// hidden: h})` for PyTorch's `encoder(input=x, hidden=h)`. A built-in module's
// forward binds keywords by PyTorch's signature (signature.ts forwardArgs); a
// forward the user wrote has no entry there, so its parameter names are read
// from its own source text (what `forward.toString()` gives: TypeScript's types
// are gone by then). Binding is conservative, because a plain object is also an
// ordinary argument (a batch dict, an options bag): the trailing object is taken
// as keywords only when every key names a parameter of forward that no
// positional argument already fills. Otherwise the call is left as it is.
import { TorchTypeError } from "./errors.js";
import { isKwargs } from "./ops/args.js";

/** Parameter names of a function (null when one is destructured or a rest parameter, or the text can't be read). */
const PARAMS = new WeakMap<object, readonly string[] | null>();

function paramNames(f: (...a: never[]) => unknown): readonly string[] | null {
  let names = PARAMS.get(f);
  if (names === undefined) {
    names = parseParams(Function.prototype.toString.call(f));
    PARAMS.set(f, names);
  }
  return names;
}

/** The parameter list of a function's source ("forward(a, b = 1) {...}", "(a, b) => ...", "a => ..."), by name. */
export function parseParams(src: string): string[] | null {
  const open = src.indexOf("(");
  const arrow = src.indexOf("=>");
  if (arrow >= 0 && (open < 0 || arrow < open)) {
    const single = src
      .slice(0, arrow)
      .trim()
      .replace(/^async\s+/, "");
    return /^[A-Za-z_$][\w$]*$/.test(single) ? [single] : null;
  }
  if (open < 0) return null;
  // the matching parenthesis, skipping strings and nested brackets in default values
  const parts: string[] = [];
  let depth = 0;
  let start = open + 1;
  let quote = "";
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        parts.push(src.slice(start, i));
        break;
      }
    } else if (c === "," && depth === 1) {
      parts.push(src.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return null;
  const names: string[] = [];
  for (const p of parts) {
    const name = p.split("=")[0]!.trim();
    if (name === "" && p.trim() === "") continue; // "()" or a trailing comma
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return null;
    names.push(name);
  }
  return names;
}

/**
 * `args` of a call of a user module's `forward` with its trailing keyword object bound to forward's parameters by
 * name (missing ones undefined, so JavaScript's defaults apply), or `args` unchanged when the call is not that.
 */
export function userForwardArgs(forward: (...a: never[]) => unknown, args: readonly unknown[], op: string): readonly unknown[] {
  const n = args.length;
  if (n === 0 || !isKwargs(args[n - 1])) return args;
  const names = paramNames(forward);
  if (!names) return args;
  const kw = args[n - 1] as Record<string, unknown>;
  const keys = Object.keys(kw);
  if (keys.length === 0) return args;
  const given = n - 1;
  for (const k of keys) {
    const at = names.indexOf(k);
    if (at < 0) return args; // not forward's keywords: an ordinary object argument
    if (at < given) throw new TorchTypeError(`${op}() got multiple values for argument '${k}'`);
  }
  const bound = args.slice(0, given);
  let last = given;
  for (const k of keys) last = Math.max(last, names.indexOf(k) + 1);
  for (let i = given; i < last; i++) bound.push(kw[names[i]!]);
  return bound;
}
