// MLIR text for a Module, in the syntax XLA's PJRT plugins parse (format "mlir").
// Ops whose custom ("pretty") syntax is simple and settled print in it; the rest use
// MLIR's generic form `"name"(operands) <{properties}> (regions) : type`, which every
// registered op accepts.
import { printAttrDict, printDenseBody, printString } from "./attrs.js";
import { BINARY_OPS, UNARY_OPS } from "./opsets.js";
import { type Attr, type Func, type Module, type Op, type TensorType, type Value, sameType, typeToString } from "./ir.js";

const SUFFIX_ID = /^([0-9]+|[A-Za-z_$.-][A-Za-z0-9_$.-]*)$/;
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_$.]*$/;

const ty = (v: Value) => typeToString(v.type);
const fnType = (ins: readonly TensorType[], outs: readonly TensorType[]) =>
  `(${ins.map(typeToString).join(", ")}) -> ${outs.length === 1 ? typeToString(outs[0]!) : `(${outs.map(typeToString).join(", ")})`}`;
const list = (xs: readonly number[]) => `[${xs.join(", ")}]`;
const symbol = (s: string) => `@${SYMBOL.test(s) ? s : printString(s)}`;

export interface PrintOptions {
  /** Print every op in the generic form (for parsers that lack StableHLO's custom syntax). */
  generic?: boolean;
}

export function printModule(m: Module, opts: PrintOptions = {}): string {
  const lines = [`module ${symbol(m.name)} attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {`];
  for (const f of m.funcs) lines.push(...new FuncPrinter(f, opts.generic ?? false).print());
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** Prints one function, checking that names are unique and every use follows its definition. */
class FuncPrinter {
  /**
   * Values visible at this point, by identity (so a value of another function with
   * the same name is still caught), and their names. As in MLIR, a name may not be
   * redefined while visible, but sibling regions may reuse one.
   */
  private readonly defined = new Set<Value>();
  private readonly taken = new Set<string>();
  private scope: Value[] = [];
  private readonly lines: string[] = [];

  constructor(
    private readonly f: Func,
    private readonly genericOnly: boolean,
  ) {}

  print(): string[] {
    const f = this.f;
    const vis = f.name === "main" ? "public" : "private";
    const alias = f.aliasingOutput;
    const params = f.params
      .map((p, i) => `${this.define(p)}: ${ty(p)}${alias?.[i] != null ? ` {tf.aliasing_output = ${alias[i]} : i32}` : ""}`)
      .join(", ");
    const rets = f.returns.map(ty);
    const result = rets.length === 0 ? "" : rets.length === 1 ? ` -> ${rets[0]}` : ` -> (${rets.join(", ")})`;
    this.lines.push(`  func.func ${vis} ${symbol(f.name)}(${params})${result} {`);
    for (const op of f.body) this.op(op, "    ");
    this.lines.push(`    ${this.ret("return", f.returns)}`);
    this.lines.push("  }");
    return this.lines;
  }

  private err(msg: string): never {
    throw new Error(`printModule: function @${this.f.name}: ${msg}`);
  }

  private define(v: Value): string {
    const name = v.name ?? String(v.id);
    if (!SUFFIX_ID.test(name)) this.err(`value name '${name}' is not a valid MLIR identifier`);
    if (this.taken.has(name)) this.err(`value %${name} is defined twice`);
    this.taken.add(name);
    this.defined.add(v);
    this.scope.push(v);
    return `%${name}`;
  }

  private use(v: Value): string {
    const name = v.name ?? String(v.id);
    if (!this.defined.has(v)) this.err(`%${name} is used before it is defined (or comes from another function or a closed region)`);
    return `%${name}`;
  }

  private uses(vs: readonly Value[]): string {
    return vs.map((v) => this.use(v)).join(", ");
  }

  private ret(keyword: string, vs: readonly Value[]): string {
    return vs.length ? `${keyword} ${this.uses(vs)} : ${vs.map(ty).join(", ")}` : keyword;
  }

  private results(op: Op): string {
    return op.results.length ? `${op.results.map((r) => this.define(r)).join(", ")} = ` : "";
  }

  // Operands are resolved before results are defined, and regions in between, as
  // MLIR scopes them: an op sees neither its own results nor its regions' values.
  private op(op: Op, indent: string): void {
    const p = this.genericOnly ? undefined : pretty(op, (vs) => this.uses(vs));
    if (p !== undefined) {
      this.lines.push(`${indent}${this.results(op)}${p}`);
      return;
    }
    const props = Object.keys(op.attrs).length ? ` <${printAttrDict(op.attrs)}>` : "";
    const head = `${printString(op.name)}(${this.uses(op.operands)})${props}`;
    const tail = ` : ${fnType(
      op.operands.map((v) => v.type),
      op.results.map((v) => v.type),
    )}`;
    const regions = op.regions ?? [];
    if (regions.length === 0) {
      this.lines.push(`${indent}${this.results(op)}${head}${tail}`);
      return;
    }
    // The op line opens the first region; it is filled in once results are defined.
    const at = this.lines.push("") - 1;
    regions.forEach((r, i) => {
      const outer = this.scope;
      this.scope = [];
      if (i > 0) this.lines.push(`${indent}}, {`);
      if (r.args.length) this.lines.push(`${indent}^bb0(${r.args.map((a) => `${this.define(a)}: ${ty(a)}`).join(", ")}):`);
      for (const inner of r.ops) this.op(inner, `${indent}  `);
      const ret = this.genericOnly
        ? `"stablehlo.return"(${this.uses(r.returns)}) : (${r.returns.map(ty).join(", ")}) -> ()`
        : this.ret("stablehlo.return", r.returns);
      this.lines.push(`${indent}  ${ret}`);
      for (const v of this.scope) {
        this.defined.delete(v);
        this.taken.delete(v.name ?? String(v.id));
      }
      this.scope = outer;
    });
    this.lines.push(`${indent}})${tail}`);
    this.lines[at] = `${indent}${this.results(op)}${head} ({`;
  }
}

type Uses = (vs: readonly Value[]) => string;

/** The pretty form of `op`, or undefined when it has none here (or carries unexpected attributes). */
function pretty(op: Op, uses: Uses): string | undefined {
  const { name, operands: xs, results: rs, attrs } = op;
  if (op.regions?.length) return undefined;
  const keys = Object.keys(attrs);
  const only = (...allowed: string[]) => keys.every((k) => allowed.includes(k));
  const has = (...required: string[]) => required.every((k) => k in attrs) && only(...required);
  const ints = (k: string) => list((attrs[k] as Extract<Attr, { kind: "ints" }>).values);
  const isInts = (...ks: string[]) => ks.every((k) => attrs[k]?.kind === "ints");
  const fn = () =>
    fnType(
      xs.map((v) => v.type),
      rs.map((v) => v.type),
    );
  const allSame = () => rs.length === 1 && [...xs, ...rs].every((v) => sameType(v.type, rs[0]!.type));
  const sameOrFn = () => (allSame() ? typeToString(rs[0]!.type) : fn());
  const [dialect, short] = splitName(name);
  if (rs.length !== 1) return undefined;
  const r = rs[0]!;

  if (dialect === "chlo" && short === "erf" && xs.length === 1 && keys.length === 0)
    return `chlo.erf ${uses(xs)} : ${typeToString(xs[0]!.type)} -> ${typeToString(r.type)}`;
  if (dialect !== "stablehlo") return undefined;

  if (short in UNARY_OPS || short === "convert")
    return xs.length === 1 && keys.length === 0 ? `${name} ${uses(xs)} : ${sameOrFn()}` : undefined;
  if (short in BINARY_OPS) return xs.length === 2 && keys.length === 0 ? `${name} ${uses(xs)} : ${sameOrFn()}` : undefined;
  switch (short) {
    case "constant": {
      const v = attrs.value;
      if (!has("value") || v?.kind !== "dense" || !sameType(v.type, r.type) || xs.length) return undefined;
      return `${name} ${printDenseBody(v.type, v.values)} : ${typeToString(r.type)}`;
    }
    case "is_finite":
    case "reshape":
      return xs.length === 1 && keys.length === 0 ? `${name} ${uses(xs)} : ${fn()}` : undefined;
    case "dynamic_update_slice":
      return keys.length === 0 ? `${name} ${uses(xs)} : ${fn()}` : undefined;
    case "compare": {
      const dir = attrs.comparison_direction,
        ct = attrs.compare_type;
      if (!only("comparison_direction", "compare_type") || dir?.kind !== "enum" || (ct && ct.kind !== "enum") || xs.length !== 2)
        return undefined;
      return `${name} ${dir.value}, ${uses(xs)}${ct ? `, ${ct.value}` : ""} : ${fn()}`;
    }
    case "select":
      if (keys.length || xs.length !== 3 || !sameType(xs[1]!.type, r.type) || !sameType(xs[2]!.type, r.type)) return undefined;
      return `${name} ${uses(xs)} : ${typeToString(xs[0]!.type)}, ${typeToString(r.type)}`;
    case "clamp":
      return keys.length === 0 && xs.length === 3 ? `${name} ${uses(xs)} : ${sameOrFn()}` : undefined;
    case "broadcast_in_dim":
    case "transpose": {
      const k = short === "transpose" ? "permutation" : "broadcast_dimensions";
      return has(k) && isInts(k) && xs.length === 1 ? `${name} ${uses(xs)}, dims = ${ints(k)} : ${fn()}` : undefined;
    }
    case "reverse":
      return has("dimensions") && isInts("dimensions") && xs.length === 1
        ? `${name} ${uses(xs)}, dims = ${ints("dimensions")} : ${sameOrFn()}`
        : undefined;
    case "iota": {
      const d = attrs.iota_dimension;
      return has("iota_dimension") && d?.kind === "int" && xs.length === 0
        ? `${name} dim = ${d.value} : ${typeToString(r.type)}`
        : undefined;
    }
    case "concatenate": {
      const d = attrs.dimension;
      return has("dimension") && d?.kind === "int" && xs.length ? `${name} ${uses(xs)}, dim = ${d.value} : ${fn()}` : undefined;
    }
    case "slice": {
      if (!has("start_indices", "limit_indices", "strides") || !isInts("start_indices", "limit_indices", "strides") || xs.length !== 1)
        return undefined;
      const get = (k: string) => (attrs[k] as Extract<Attr, { kind: "ints" }>).values;
      const [s, l, st] = [get("start_indices"), get("limit_indices"), get("strides")];
      if (s.length !== l.length || s.length !== st.length) return undefined;
      const ranges = s.map((v, i) => (st[i] === 1 ? `${v}:${l[i]}` : `${v}:${l[i]}:${st[i]}`));
      return `${name} ${uses(xs)} [${ranges.join(", ")}] : ${fn()}`;
    }
    case "dynamic_slice":
      return has("slice_sizes") && isInts("slice_sizes") && xs.length
        ? `${name} ${uses(xs)}, sizes = ${ints("slice_sizes")} : ${fn()}`
        : undefined;
    case "pad":
      if (
        !has("edge_padding_low", "edge_padding_high", "interior_padding") ||
        !isInts("edge_padding_low", "edge_padding_high", "interior_padding") ||
        xs.length !== 2
      )
        return undefined;
      return `${name} ${uses(xs)}, low = ${ints("edge_padding_low")}, high = ${ints("edge_padding_high")}, interior = ${ints("interior_padding")} : ${fn()}`;
    case "dot_general": {
      const d = attrs.dot_dimension_numbers,
        p = attrs.precision_config;
      if (!only("dot_dimension_numbers", "precision_config") || d?.kind !== "dot" || xs.length !== 2) return undefined;
      let s = `${name} ${uses(xs)}, `;
      if (d.lhsBatching.length || d.rhsBatching.length) s += `batching_dims = ${list(d.lhsBatching)} x ${list(d.rhsBatching)}, `;
      s += `contracting_dims = ${list(d.lhsContracting)} x ${list(d.rhsContracting)}`;
      if (p) {
        if (p.kind !== "array" || !p.values.every((e) => e.kind === "enum" && e.enum === "precision")) return undefined;
        s += `, precision = [${p.values.map((e) => (e as Extract<Attr, { kind: "enum" }>).value).join(", ")}]`;
      }
      return `${s} : ${fn()}`;
    }
  }
  return undefined;
}

function splitName(name: string): [string, string] {
  const dot = name.indexOf(".");
  return dot < 0 ? ["", name] : [name.slice(0, dot), name.slice(dot + 1)];
}
