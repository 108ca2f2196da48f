// The pretty (custom) forms of StableHLO ops, as printed by printer.ts and shown in
// the StableHLO spec: `stablehlo.add %a, %b : tensor<2xf32>` and friends.
import { BINARY_OPS, UNARY_OPS } from "./opsets.js";
import type { Attr, Region, TensorType, Value } from "./ir.js";
import { realPartType, tensorType, typeToString } from "./ir.js";
import { parseDense, parseEnumValue, parseFunctionType, parseResultTypes, parseType } from "./parse_attrs.js";
import { parseCall, parseCheckOp, parseCustomCall, parseInterpreterOp } from "./parse_check.js";
import { parsePrettyConvolution } from "./parse_conv.js";
import type { FuncParser, ParsedOp } from "./parser.js";

type Sig = { inputs: TensorType[]; results: TensorType[] };

const ints = (values: number[]): Attr => ({ kind: "ints", values });
const i64 = (value: number): Attr => ({ kind: "int", value, type: "i64" });

export function parsePrettyOp(p: FuncParser, name: string, at: number): ParsedOp {
  const c = p.c;
  const dot = name.indexOf(".");
  const [dialect, short] = dot < 0 ? ["", name] : [name.slice(0, dot), name.slice(dot + 1)];
  const attrs: Record<string, Attr> = {};
  const done = (operands: Value[], sig: Sig): ParsedOp => {
    p.checkTypes(name, operands, sig.inputs, at);
    return { name, operands, attrs, resultTypes: sig.results };
  };
  /** `: (ins) -> outs`. */
  const fn = (): Sig => {
    c.expect(":", `and the type signature of ${name}`);
    return parseFunctionType(c);
  };
  /** `: t` (all operands and the result are t) or `: (ins) -> out`. */
  const sameOrFn = (n: number): Sig => {
    c.expect(":", `and the type of ${name}`);
    if (c.peek("(")) return parseFunctionType(c);
    const t = parseType(c);
    return { inputs: Array.from({ length: n }, () => t), results: [t] };
  };
  const dims = (kw: string) => {
    c.expect(kw, `in ${name}`);
    c.expect("=", `after '${kw}'`);
    return c.intList();
  };
  const optAttrs = () => {
    if (c.peek("{")) p.attrDict(attrs);
  };

  if (dialect === "check") return parseCheckOp(p, name, at);
  if (dialect === "interpreter") return parseInterpreterOp(p, name, at);
  if (name === "func.call" || name === "call") return parseCall(p, name, at);
  if (dialect === "chlo") {
    // `chlo.top_k(%x, k = 2) : t -> (v, i)`
    if (short === "top_k") {
      c.expect("(", "after chlo.top_k");
      const x = p.use();
      c.expect(",", "after the operand of chlo.top_k");
      c.expect("k", "in chlo.top_k");
      c.expect("=", "after 'k'");
      attrs.k = i64(c.int());
      c.expect(")", "to close chlo.top_k");
      optAttrs();
      c.expect(":", "and the type of chlo.top_k");
      const t = parseType(c);
      c.expect("->", "in the type of chlo.top_k");
      return done([x], { inputs: [t], results: parseResultTypes(c) });
    }
    if (short === "scan") return parseChloScan(p, name, at, attrs);
    // CHLO elementwise ops print `%x : t -> r` and `%a, %b : t1, t2 -> r`.
    const xs = p.useList();
    optAttrs();
    c.expect(":", `and the type of ${name}`);
    if (c.peek("(")) return done(xs, parseFunctionType(c));
    const ts = [parseType(c)];
    while (c.eat(",")) ts.push(parseType(c));
    if (!c.eat("->")) return done(xs, { inputs: xs.map(() => ts[0]!), results: [ts[0]!] });
    return done(xs, { inputs: ts, results: parseResultTypes(c) });
  }
  if (dialect !== "stablehlo") c.error(`unknown operation '${name}' (write other ops in the generic form "name"(...))`, at);

  if (short in UNARY_OPS || short === "convert") {
    const x = p.use();
    optAttrs();
    return done([x], sameOrFn(1));
  }
  if (short in BINARY_OPS) {
    const a = p.use();
    c.expect(",", "between the operands");
    const b = p.use();
    optAttrs();
    return done([a, b], sameOrFn(2));
  }
  switch (short) {
    case "constant": {
      optAttrs();
      const v = parseDense(c);
      attrs.value = v;
      return { name, operands: [], attrs, resultTypes: [v.type] };
    }
    case "is_finite":
    case "reshape":
    case "dynamic_update_slice":
    case "dynamic_reshape":
    case "dynamic_pad":
    case "dynamic_broadcast_in_dim":
    case "bitcast_convert": {
      const xs = p.useList();
      optAttrs();
      return done(xs, fn());
    }
    // `%x : (t) -> q`, or `%q : q` (requantize to the same type)
    case "uniform_quantize":
    case "uniform_dequantize": {
      const x = p.use();
      optAttrs();
      return done([x], sameOrFn(1));
    }
    case "compare": {
      attrs.comparison_direction = { kind: "enum", enum: "comparison_direction", value: parseEnumValue(c, "comparison_direction") };
      c.expect(",", "after the comparison direction");
      const a = p.use();
      c.expect(",", "between the operands");
      const b = p.use();
      if (c.eat(",")) attrs.compare_type = { kind: "enum", enum: "comparison_type", value: parseEnumValue(c, "comparison_type") };
      optAttrs();
      return done([a, b], fn());
    }
    case "select": {
      const xs = p.useList();
      optAttrs();
      c.expect(":", "and the types of stablehlo.select");
      if (c.peek("(")) return done(xs, parseFunctionType(c));
      const pred = parseType(c);
      c.expect(",", "between the predicate type and the value type of stablehlo.select");
      const t = parseType(c);
      return done(xs, { inputs: [pred, t, t], results: [t] });
    }
    case "clamp": {
      const xs = p.useList();
      optAttrs();
      return done(xs, sameOrFn(3));
    }
    case "broadcast_in_dim":
    case "transpose":
    case "reverse": {
      const x = p.use();
      c.expect(",", "after the operand");
      attrs[{ broadcast_in_dim: "broadcast_dimensions", transpose: "permutation", reverse: "dimensions" }[short]] = ints(dims("dims"));
      optAttrs();
      return done([x], short === "reverse" ? sameOrFn(1) : fn());
    }
    case "dynamic_iota": {
      // `%shape, dim = 0 : sig`
      const x = p.use();
      c.expect(",", "after the output shape");
      c.expect("dim", "in stablehlo.dynamic_iota");
      c.expect("=", "after 'dim'");
      attrs.iota_dimension = i64(c.int());
      optAttrs();
      return done([x], fn());
    }
    case "replica_id":
    case "partition_id": {
      optAttrs();
      c.expect(":", `and the result type of ${name}`);
      return { name, operands: [], attrs, resultTypes: [parseType(c)] };
    }
    case "iota": {
      c.expect("dim", "in stablehlo.iota");
      c.expect("=", "after 'dim'");
      attrs.iota_dimension = i64(c.int());
      optAttrs();
      c.expect(":", "and the result type of stablehlo.iota");
      return { name, operands: [], attrs, resultTypes: [parseType(c)] };
    }
    case "concatenate":
    case "dynamic_slice": {
      // Operands each followed by a comma, then `dim = N` or `sizes = [...]`.
      const xs: Value[] = [];
      while (c.peek("%")) {
        xs.push(p.use());
        c.expect(",", "after an operand");
      }
      if (short === "concatenate") {
        c.expect("dim", "in stablehlo.concatenate");
        c.expect("=", "after 'dim'");
        attrs.dimension = i64(c.int());
      } else attrs.slice_sizes = ints(dims("sizes"));
      optAttrs();
      return done(xs, fn());
    }
    case "slice": {
      const x = p.use();
      c.expect("[", "to start the slice ranges [start:limit:stride, ...]");
      const s: number[] = [],
        l: number[] = [],
        st: number[] = [];
      if (!c.eat("]")) {
        do {
          s.push(c.int());
          c.expect(":", "between slice start and limit");
          l.push(c.int());
          st.push(c.eat(":") ? c.int() : 1);
        } while (c.eat(","));
        c.expect("]", "to close the slice ranges");
      }
      Object.assign(attrs, { start_indices: ints(s), limit_indices: ints(l), strides: ints(st) });
      optAttrs();
      return done([x], fn());
    }
    case "pad": {
      const x = p.use();
      c.expect(",", "after the operand");
      const v = p.use();
      c.expect(",", "after the padding value");
      attrs.edge_padding_low = ints(dims("low"));
      c.expect(",", "after low = [...]");
      attrs.edge_padding_high = ints(dims("high"));
      c.expect(",", "after high = [...]");
      attrs.interior_padding = ints(dims("interior"));
      optAttrs();
      return done([x, v], fn());
    }
    case "dot_general": {
      const a = p.use();
      c.expect(",", "between the operands");
      const b = p.use();
      c.expect(",", "before the dimension numbers");
      let lb: number[] = [],
        rb: number[] = [];
      if (c.peek("batching_dims")) {
        lb = dims("batching_dims");
        c.expect("x", "between lhs and rhs batching dims");
        rb = c.intList();
        c.expect(",", "after batching_dims");
      }
      const lc = dims("contracting_dims");
      c.expect("x", "between lhs and rhs contracting dims");
      const rc = c.intList();
      attrs.dot_dimension_numbers = { kind: "dot", lhsBatching: lb, rhsBatching: rb, lhsContracting: lc, rhsContracting: rc };
      if (c.eat(",") && c.peek("precision")) {
        c.expect("precision", "(only precision = [...] may follow the dimension numbers)");
        c.expect("=", "after 'precision'");
        c.expect("[", "to start the precision list");
        const values: Attr[] = [];
        if (!c.eat("]")) {
          do values.push({ kind: "enum", enum: "precision", value: parseEnumValue(c, "precision") });
          while (c.eat(","));
          c.expect("]", "to close the precision list");
        }
        attrs.precision_config = { kind: "array", values };
        c.eat(",");
      }
      if (c.eat("algorithm")) {
        // `algorithm = <...>`: kept as text (the runtime computes the exact product)
        c.expect("=", "after 'algorithm'");
        const aat = c.here();
        c.skipGroup();
        attrs.algorithm = { kind: "string", value: c.text.slice(aat, c.pos) };
      }
      optAttrs();
      return done([a, b], fn());
    }
    case "reduce":
      return parsePrettyReduce(p, name, at, attrs);
    case "complex": {
      // `%re, %im : tensor<2xcomplex<f32>>` (operands: the parts' type) or `: (t, t) -> c`
      const xs = p.useList();
      optAttrs();
      c.expect(":", "and the type of stablehlo.complex");
      if (c.peek("(")) return done(xs, parseFunctionType(c));
      const t = parseType(c);
      const part = tensorType(t.shape, realPartType(t.element));
      return done(xs, { inputs: [part, part], results: [t] });
    }
    case "rng_bit_generator": {
      // `%state, algorithm = THREE_FRY : (s) -> (s, r)`
      const x = p.use();
      c.expect(",", "after the state of stablehlo.rng_bit_generator");
      c.expect("algorithm", "in stablehlo.rng_bit_generator");
      c.expect("=", "after 'algorithm'");
      attrs.rng_algorithm = { kind: "enum", enum: "rng_algorithm" as "precision", value: parseEnumValue(c, "rng_algorithm") };
      optAttrs();
      return done([x], fn());
    }
    case "real":
    case "imag": {
      const x = p.use();
      optAttrs();
      return done([x], sameOrFn(1));
    }
    case "fft": {
      // `%x, type = FFT, length = [2] : sig`
      const x = p.use();
      c.expect(",", "after the operand of stablehlo.fft");
      c.expect("type", "in stablehlo.fft");
      c.expect("=", "after 'type'");
      attrs.fft_type = { kind: "enum", enum: "fft_type", value: parseEnumValue(c, "fft_type") };
      c.expect(",", "after the fft type");
      attrs.fft_length = ints(dims("length"));
      optAttrs();
      return done([x], fn());
    }
    case "reduce_precision": {
      // `%x, format = e5m10 : t`
      const x = p.use();
      c.expect(",", "after the operand of stablehlo.reduce_precision");
      c.expect("format", "in stablehlo.reduce_precision");
      c.expect("=", "after 'format'");
      const fat = c.here();
      const f = /^e([0-9]+)m([0-9]+)$/.exec(c.ident("a format like e5m10"));
      if (!f) return c.error("expected a format like e5m10", fat);
      attrs.exponent_bits = { kind: "int", value: Number(f[1]), type: "i32" };
      attrs.mantissa_bits = { kind: "int", value: Number(f[2]), type: "i32" };
      optAttrs();
      return done([x], sameOrFn(1));
    }
    case "get_dimension_size": {
      const x = p.use();
      c.expect(",", "after the operand");
      c.expect("dim", "in stablehlo.get_dimension_size");
      c.expect("=", "after 'dim'");
      attrs.dimension = i64(c.int());
      optAttrs();
      return done([x], fn());
    }
    case "optimization_barrier": {
      // `%a, %b : t1, t2` (results have the operands' types)
      const xs = p.useList();
      optAttrs();
      c.expect(":", "and the types of stablehlo.optimization_barrier");
      if (c.peek("(")) return done(xs, parseFunctionType(c));
      const ts = [parseType(c)];
      while (c.eat(",")) ts.push(parseType(c));
      return done(xs, { inputs: ts, results: ts });
    }
    case "while":
      return parsePrettyWhile(p, name, at, attrs);
    case "custom_call":
      return parseCustomCall(p, name, at);
    case "convolution":
      return parsePrettyConvolution(p, name, at);
    case "tuple": {
      // `%a, %b : tuple<t1, t2>`
      const xs = p.useList();
      optAttrs();
      c.expect(":", "and the type of stablehlo.tuple");
      const t = parseType(c);
      if (!t.parts) return c.error(`stablehlo.tuple's type must be a tuple<...>, found ${typeToString(t)}`, at);
      return done(xs, { inputs: t.parts, results: [t] });
    }
    case "get_tuple_element": {
      // `%t[1] : (tuple<...>) -> t`
      const x = p.use();
      c.expect("[", "before the tuple index");
      attrs.index = { kind: "int", value: c.int("a tuple index"), type: "i32" };
      c.expect("]", "after the tuple index");
      optAttrs();
      return done([x], fn());
    }
    case "after_all": {
      // `%t1, %t2 : !stablehlo.token`
      const xs = p.useList();
      optAttrs();
      c.expect(":", "and the type of stablehlo.after_all");
      const t = parseType(c);
      return done(xs, { inputs: xs.map(() => t), results: [t] });
    }
    case "composite": {
      // `"name" %a, ... {composite_attributes = {...}, decomposition = @f} : sig`
      attrs.name = { kind: "string", value: c.string() };
      const xs = p.useList();
      optAttrs();
      return done(xs, fn());
    }
  }
  return c.error(`'${name}' has no pretty form here; write it in the generic form "${name}"(...) : (...) -> ...`, at);
}

/** `chlo.scan(%in, ...) inits(%init, ...) dimension=0 [attributes {...}] { ^bb0(...): ... } : sig`. */
function parseChloScan(p: FuncParser, name: string, at: number, attrs: Record<string, Attr>): ParsedOp {
  const c = p.c;
  c.expect("(", "after chlo.scan");
  const inputs = p.useList();
  c.expect(")", "to close the inputs of chlo.scan");
  c.expect("inits", "in chlo.scan");
  c.expect("(", "after 'inits'");
  const inits = p.useList();
  c.expect(")", "to close the inits of chlo.scan");
  c.expect("dimension", "in chlo.scan");
  c.expect("=", "after 'dimension'");
  attrs.dimension = i64(c.int());
  if (c.eat("attributes")) p.attrDict(attrs);
  const body = p.region();
  c.expect(":", "and the type signature of chlo.scan");
  const sig = parseFunctionType(c);
  const operands = [...inputs, ...inits];
  p.checkTypes(name, operands, sig.inputs, at);
  attrs.num_inputs = i64(inputs.length);
  return { name, operands, attrs, regions: [body], resultTypes: sig.results };
}

/**
 * `stablehlo.while(%arg0 = %init0, ...) : t0, ... cond { ... } do { ... }`: the
 * iteration arguments are both regions' arguments.
 */
function parsePrettyWhile(p: FuncParser, name: string, at: number, attrs: Record<string, Attr>): ParsedOp {
  const c = p.c;
  c.expect("(", "after stablehlo.while");
  const refs: { ref: string; at: number }[] = [];
  const operands: Value[] = [];
  if (!c.eat(")")) {
    do {
      const rat = c.here();
      refs.push({ ref: c.valueRef("an iteration argument (%arg = %init)"), at: rat });
      c.expect("=", "after an iteration argument");
      operands.push(p.use());
    } while (c.eat(","));
    c.expect(")", "to close the iteration arguments");
  }
  if (c.eat("attributes")) p.attrDict(attrs);
  const types: TensorType[] = [];
  if (c.eat(":")) {
    do types.push(parseType(c));
    while (c.eat(","));
  }
  p.checkTypes(name, operands, types, at);
  const given = () => refs.map((r, i) => ({ ref: r.ref, type: types[i]!, at: r.at }));
  c.expect("cond", "(the condition region) in stablehlo.while");
  const cond = p.region(given());
  c.expect("do", "(the body region) in stablehlo.while");
  const body = p.region(given());
  return { name, operands, attrs, regions: [cond, body], resultTypes: types };
}

/**
 * `stablehlo.reduce(%x init: %c), ... applies stablehlo.add across dimensions = [1] : sig`
 * or `... across dimensions = [1] : sig reducer(%a: t, %b: t) (...) { ... }`.
 */
function parsePrettyReduce(p: FuncParser, name: string, at: number, attrs: Record<string, Attr>): ParsedOp {
  const c = p.c;
  const inputs: Value[] = [],
    inits: Value[] = [];
  do {
    c.expect("(", "to start an (%input init: %init) pair");
    inputs.push(p.use());
    c.expect("init", "in an (%input init: %init) pair");
    c.expect(":", "after 'init'");
    inits.push(p.use());
    c.expect(")", "to close an (%input init: %init) pair");
  } while (c.eat(","));
  let applies: string | undefined;
  if (c.eat("applies")) applies = c.ident("the name of the reduction op");
  c.expect("across", "in stablehlo.reduce");
  c.expect("dimensions", "after 'across'");
  c.expect("=", "after 'dimensions'");
  attrs.dimensions = ints(c.intList());
  if (c.peek("{")) p.attrDict(attrs);
  c.expect(":", "and the type signature of stablehlo.reduce");
  const sig = parseFunctionType(c);
  const operands = [...inputs, ...inits];
  p.checkTypes(name, operands, sig.inputs, at);
  const scalars = inputs.map((v) => tensorType([], v.type.element));
  let region: Region;
  if (applies !== undefined) {
    if (inputs.length !== 1) c.error("'applies' needs exactly one input", at);
    const t = scalars[0]!;
    const [a, b] = [p.anon(t), p.anon(t)];
    const r = p.anon(t);
    region = { args: [a, b], ops: [{ name: applies, operands: [a, b], results: [r], attrs: {} }], returns: [r] };
  } else {
    c.expect("reducer", "(the reduction body) after the type signature");
    const lhs: { ref: string; type: TensorType; at: number }[] = [],
      rhs: typeof lhs = [];
    while (c.eat("(")) {
      for (const side of [lhs, rhs]) {
        const aat = c.here();
        const ref = c.valueRef("a reducer argument");
        c.expect(":", "after a reducer argument");
        side.push({ ref, type: parseType(c), at: aat });
        if (side === lhs) c.expect(",", "between the two reducer arguments");
      }
      c.expect(")", "to close a reducer argument pair");
    }
    region = p.region([...lhs, ...rhs]);
  }
  return { name, operands, attrs, regions: [region], resultTypes: sig.results };
}
