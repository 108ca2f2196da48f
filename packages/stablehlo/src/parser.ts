// parseModule: MLIR text -> Module. Reads everything printModule writes (so
// print -> parse -> print is the identity), the generic form of any op, and the
// pretty forms of the ops the StableHLO spec shows, so hand-written files run.
import { Cursor } from "./cursor.js";
import { type Attr, type Func, type Module, type Op, type Region, type TensorType, type Value, sameType, typeToString } from "./ir.js";
import { parseAttr, parseDense, parseEnumValue, parseFunctionType, parseResultTypes, parseType } from "./parse_attrs.js";
import { parsePrettyOp } from "./parse_pretty.js";

/** Skips top-level alias definitions (`#loc1 = loc(...)`, `!t = ...`), as JAX's exports print around the module. */
function skipAliases(c: Cursor): void {
  while (c.peek("#") || c.peek("!")) {
    const at = c.here();
    const nl = c.text.indexOf("\n", at);
    const line = c.text.slice(at, nl < 0 ? c.text.length : nl);
    if (!/^[#!][A-Za-z0-9_.$-]+\s*=/.test(line)) return;
    c.pos = nl < 0 ? c.text.length : nl;
  }
}

export function parseModule(text: string): Module {
  const c = new Cursor(text);
  let name = "module";
  const funcs: Func[] = [];
  skipAliases(c);
  const wrapped = c.eat("module");
  if (wrapped) {
    if (c.peek("@")) name = c.symbol();
    if (c.eat("attributes")) c.skipGroup();
    c.expect("{", "to open the module body");
  }
  while (wrapped ? !c.eat("}") : !c.atEnd()) {
    skipAliases(c);
    if (!wrapped && c.atEnd()) break;
    if (!c.peek("func.func")) c.fail(wrapped ? "'func.func' or '}' closing the module" : "'func.func' or 'module'");
    funcs.push(new FuncParser(c).parse());
  }
  if (wrapped && c.eat("loc")) c.skipGroup();
  skipAliases(c);
  if (!c.atEnd()) c.fail("end of input after the module");
  if (funcs.length === 0) c.error("the module has no functions");
  return { name, funcs };
}

/** Visible SSA names; a region opens a child scope, and names may not shadow outer ones. */
class Scope {
  private readonly map = new Map<string, Value>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): Value | undefined {
    return this.map.get(name) ?? this.parent?.lookup(name);
  }

  add(name: string, v: Value): boolean {
    if (this.lookup(name)) return false;
    this.map.set(name, v);
    return true;
  }
}

/** Parses one `func.func`; also the context the pretty-op parsers use to resolve values. */
export class FuncParser {
  scope = new Scope();
  /** Values whose printed name is not their id; ids are assigned after the function is read. */
  private readonly pending: Value[] = [];
  private maxId = -1;
  private readonly usedIds = new Set<number>();

  constructor(readonly c: Cursor) {}

  parse(): Func {
    const c = this.c;
    c.expect("func.func");
    if (!c.eat("public")) c.eat("private");
    const name = c.symbol();
    c.expect("(", "to open the parameter list");
    const params: Value[] = [];
    const aliasing: (number | null)[] = [];
    if (!c.eat(")")) {
      do {
        const at = c.here();
        const ref = c.valueRef("a parameter (%name: type)");
        c.expect(":", "after a parameter name");
        params.push(this.define(ref, parseType(c), at));
        let alias: number | null = null;
        if (c.peek("{")) {
          // argument attributes: only the donation mark is kept (tf.aliasing_output, see printer.ts)
          const from = c.pos;
          c.skipGroup();
          const m = /\btf\.aliasing_output\s*=\s*(\d+)/.exec(c.text.slice(from, c.pos));
          if (m) alias = Number(m[1]);
        }
        aliasing.push(alias);
        this.skipLoc();
      } while (c.eat(","));
      c.expect(")", "to close the parameter list");
    }
    let resultTypes: TensorType[] = [];
    if (c.eat("->")) resultTypes = this.funcResults();
    if (c.eat("attributes")) c.skipGroup();
    c.expect("{", "to open the function body");
    const body: Op[] = [];
    let returns: Value[] | undefined;
    while (!returns) {
      if (c.eat("return") || c.eat("func.return")) returns = this.terminator();
      else if (c.peek("}")) c.fail("a 'return' at the end of the function body");
      else body.push(this.op());
    }
    c.expect("}", "after 'return' to close the function body");
    this.skipLoc();
    if (returns.length !== resultTypes.length || returns.some((v, i) => !sameType(v.type, resultTypes[i]!)))
      c.error(
        `@${name} returns (${returns.map((v) => typeToString(v.type)).join(", ")}) but its signature says (${resultTypes.map(typeToString).join(", ")})`,
      );
    let next = this.maxId + 1;
    for (const v of this.pending) v.id = next++;
    const f: Func = { name, params, body, returns };
    if (aliasing.some((a) => a !== null)) {
      for (const a of aliasing)
        if (a !== null && a >= returns.length)
          c.error(`@${name}: tf.aliasing_output = ${a} but the function returns ${returns.length} values`);
      f.aliasingOutput = aliasing;
    }
    return f;
  }

  private funcResults(): TensorType[] {
    const c = this.c;
    if (!c.eat("(")) return [parseType(c)];
    const out: TensorType[] = [];
    if (c.eat(")")) return out;
    do {
      out.push(parseType(c));
      if (c.peek("{")) c.skipGroup(); // result attributes (jax.result_info, ...) are not kept
    } while (c.eat(","));
    c.expect(")", "to close the result types");
    return out;
  }

  private skipLoc(): void {
    if (this.c.eat("loc")) this.c.skipGroup();
  }

  /** Defines `%ref` with `type`. `%7` gets id 7 (once); other names keep their text and get an id later. */
  define(ref: string, type: TensorType, at: number): Value {
    const v: Value = { id: -1, type };
    const n = Number(ref);
    // Sibling regions may reuse a number (MLIR restarts numbering in each); ids stay
    // unique in the function, so a reused number becomes the value's name instead.
    if (/^[0-9]+$/.test(ref) && String(n) === ref && Number.isSafeInteger(n) && !this.usedIds.has(n)) {
      v.id = n;
      this.usedIds.add(n);
      this.maxId = Math.max(this.maxId, n);
    } else {
      if (!ref.includes("#")) v.name = ref;
      this.pending.push(v);
    }
    if (!this.scope.add(ref, v)) this.c.error(`redefinition of %${ref}`, at);
    return v;
  }

  /** A value with no name in the text (the body of a compact reduce); it gets an id later. */
  anon(type: TensorType): Value {
    const v: Value = { id: -1, type };
    this.pending.push(v);
    return v;
  }

  /** A use of a value: `%name` or `%name#N`. */
  use(what = "an operand (%name)"): Value {
    const at = this.c.here();
    const ref = this.c.valueRef(what);
    const v = this.scope.lookup(ref) ?? (ref.endsWith("#0") ? this.scope.lookup(ref.slice(0, -2)) : undefined);
    if (!v) this.c.error(`use of undefined value %${ref}`, at);
    return v;
  }

  /** `%a, %b, ...` (possibly empty when the next character is not '%'). */
  useList(): Value[] {
    const out: Value[] = [];
    if (!this.c.peek("%")) return out;
    do out.push(this.use());
    while (this.c.eat(","));
    return out;
  }

  /** Checks operand types against the types written in the op's signature. */
  checkTypes(op: string, vs: readonly Value[], types: readonly TensorType[], at: number): void {
    if (vs.length !== types.length) this.c.error(`${op}: ${vs.length} operands but ${types.length} operand types`, at);
    vs.forEach((v, i) => {
      if (!sameType(v.type, types[i]!))
        this.c.error(
          `${op}: operand ${i} (%${v.name ?? v.id}) has type ${typeToString(v.type)} but ${typeToString(types[i]!)} is written`,
          at,
        );
    });
  }

  /** One op line: results, then the generic or a pretty form. */
  private op(): Op {
    const c = this.c;
    const at = c.here();
    const resultRefs: { ref: string; count: number; at: number }[] = [];
    if (c.peek("%")) {
      do {
        const rat = c.here();
        const ref = c.valueRef("a result name");
        const count = c.eat(":") ? c.int("a result count") : 1;
        resultRefs.push({ ref, count, at: rat });
      } while (c.eat(","));
      c.expect("=", "after the result names");
    }
    const nameAt = c.here();
    const parsed = c.peek('"') ? this.generic() : parsePrettyOp(this, c.ident("an operation name"), nameAt);
    this.skipLoc();
    const want = resultRefs.reduce((n, r) => n + r.count, 0);
    if (want !== parsed.resultTypes.length)
      c.error(`${parsed.name} has ${parsed.resultTypes.length} results but ${want} result names are given`, at);
    const results: Value[] = [];
    let k = 0;
    for (const r of resultRefs) {
      if (r.count === 1) results.push(this.define(r.ref, parsed.resultTypes[k++]!, r.at));
      else for (let i = 0; i < r.count; i++) results.push(this.define(`${r.ref}#${i}`, parsed.resultTypes[k++]!, r.at));
    }
    const op: Op = { name: parsed.name, operands: parsed.operands, results, attrs: parsed.attrs };
    if (parsed.regions?.length) op.regions = parsed.regions;
    op.loc = c.lineCol(nameAt);
    return op;
  }

  /** `"name"(operands) <{props}> (regions) {attrs} : functional-type`. */
  private generic(): ParsedOp {
    const c = this.c;
    const at = c.here();
    const name = c.string();
    c.expect("(", `after "${name}" to open its operands`);
    const operands = this.useList();
    c.expect(")", "to close the operand list");
    const attrs: Record<string, Attr> = {};
    if (c.eat("<")) {
      this.attrDict(attrs);
      c.expect(">", "to close the properties <{...}>");
    }
    const regions: Region[] = [];
    if (c.eat("(")) {
      do regions.push(this.region());
      while (c.eat(","));
      c.expect(")", "to close the region list");
    }
    if (c.peek("{")) this.attrDict(attrs);
    c.expect(":", `and the type signature of "${name}"`);
    const fn = parseFunctionType(c);
    this.checkTypes(name, operands, fn.inputs, at);
    return { name, operands, attrs, regions, resultTypes: fn.results };
  }

  /** `{key = value, ...}` into `into`; a key alone is a unit attribute, kept as `true`. */
  attrDict(into: Record<string, Attr>): void {
    const c = this.c;
    c.expect("{", "to open an attribute dictionary");
    if (c.eat("}")) return;
    do {
      const at = c.here();
      const key = c.peek('"') ? c.string() : c.ident("an attribute name");
      if (key in into) c.error(`duplicate attribute '${key}'`, at);
      into[key] = c.eat("=") ? parseAttr(c) : { kind: "bool", value: true };
    } while (c.eat(","));
    c.expect("}", "to close the attribute dictionary");
  }

  /**
   * `{ ^bb0(%a: t, ...): ops stablehlo.return ... }`; `given` declares the arguments
   * outside the braces instead (the `reducer(...)` form of reduce).
   */
  region(given?: { ref: string; type: TensorType; at: number }[]): Region {
    const c = this.c;
    c.expect("{", "to open a region");
    const outer = this.scope;
    this.scope = new Scope(outer);
    const args: Value[] = (given ?? []).map((g) => this.define(g.ref, g.type, g.at));
    if (!given && c.eat("^")) {
      c.ident("a block label");
      if (c.eat("(")) {
        do {
          const at = c.here();
          const ref = c.valueRef("a block argument (%name: type)");
          c.expect(":", "after a block argument name");
          args.push(this.define(ref, parseType(c), at));
          this.skipLoc();
        } while (c.eat(","));
        c.expect(")", "to close the block arguments");
      }
      c.expect(":", "after the block label");
    }
    const ops: Op[] = [];
    let returns: Value[] | undefined;
    while (!returns) {
      if (c.peek("stablehlo.return")) {
        c.expect("stablehlo.return");
        returns = this.terminator();
      } else if (c.peek('"stablehlo.return"')) returns = this.genericReturn();
      else if (c.peek("}")) c.fail("'stablehlo.return' at the end of the region");
      else ops.push(this.op());
    }
    c.expect("}", "to close the region after its return");
    this.scope = outer;
    return { args, ops, returns };
  }

  /** After `return`/`stablehlo.return`: `%a, %b : t1, t2` (or nothing). */
  private terminator(): Value[] {
    const c = this.c;
    const at = c.here();
    const vs = this.useList();
    if (vs.length) {
      c.expect(":", "and the types of the returned values");
      const types: TensorType[] = [];
      do types.push(parseType(c));
      while (c.eat(","));
      this.checkTypes("return", vs, types, at);
    }
    this.skipLoc();
    return vs;
  }

  private genericReturn(): Value[] {
    const c = this.c;
    const at = c.here();
    c.string();
    c.expect("(", 'after "stablehlo.return"');
    const vs = this.useList();
    c.expect(")", "to close the return operands");
    c.expect(":", "and the return's type signature");
    const fn = parseFunctionType(c);
    this.checkTypes("stablehlo.return", vs, fn.inputs, at);
    this.skipLoc();
    return vs;
  }
}

export interface ParsedOp {
  name: string;
  operands: Value[];
  attrs: Record<string, Attr>;
  regions?: Region[];
  resultTypes: TensorType[];
}

export { parseAttr, parseDense, parseEnumValue, parseFunctionType, parseResultTypes, parseType };
