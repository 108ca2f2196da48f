// The StableHLO repository's test dialect (`check.*`, used by its interpreter
// tests to assert results) and `func.call`: parsed into plain ops that a
// runtime executes (the checks as assertions, the call by running the callee).
import type { Attr, Value } from "./ir.js";
import { parseAttr, parseDense, parseFunctionType, parseType } from "./parse_attrs.js";
import type { FuncParser, ParsedOp } from "./parser.js";

/**
 * `check.expect_eq %a, %b : t`, `check.expect_eq_const %a, dense<...> : t`,
 * `check.expect_almost_eq[_const] ..., tolerance = 0.1`, `check.expect_close %a, %b, max_ulp_difference = 3 : t, t`,
 * `check.expect_serialized_eq %a, probe_id = "..." : t`; keyword attributes become attrs.
 */
export function parseCheckOp(p: FuncParser, name: string, at: number): ParsedOp {
  const c = p.c;
  const attrs: Record<string, Attr> = {};
  const operands: Value[] = [p.use()];
  const isConst = name.endsWith("_const");
  while (c.eat(",")) {
    if (c.peek("%")) operands.push(p.use());
    else if (c.peek("dense")) attrs.value = parseDense(c);
    else {
      const kat = c.here();
      const key = c.ident("a check attribute (tolerance = ..., ...)");
      if (key in attrs) c.error(`duplicate attribute '${key}'`, kat);
      c.expect("=", `after '${key}'`);
      // `tolerance = 0.1` and `max_ulp_difference = 3` are bare numbers (a `:` after them starts the types)
      if (c.peek('"')) attrs[key] = parseAttr(c);
      else {
        const n = c.number(`a number after '${key} ='`);
        const big = n.float ? 0n : BigInt(n.text);
        attrs[key] = n.float
          ? { kind: "float", value: Number(n.text), type: "f64" }
          : { kind: "int", value: Number.isSafeInteger(Number(big)) ? Number(big) : big, type: "i64" };
      }
    }
  }
  if (c.peek("{")) p.attrDict(attrs);
  if (isConst) {
    if (!attrs.value) c.error(`${name} needs a dense<...> : tensor<...> value`, at);
  } else {
    c.expect(":", `and the operand types of ${name}`);
    const types = [parseType(c)];
    while (c.eat(",")) types.push(parseType(c));
    // `: t` names the first operand's type; the others have the same one
    p.checkTypes(
      name,
      operands,
      operands.map((_, i) => types[Math.min(i, types.length - 1)]!),
      at,
    );
  }
  return { name, operands, attrs, resultTypes: [] };
}

/** `func.call @f(%a, ...) : (t, ...) -> r` (or `call`): attrs.callee names the function. */
export function parseCall(p: FuncParser, name: string, at: number): ParsedOp {
  const c = p.c;
  const callee = c.symbol();
  c.expect("(", `after the callee of ${name}`);
  const operands = p.useList();
  c.expect(")", `to close the arguments of ${name}`);
  const attrs: Record<string, Attr> = { callee: { kind: "string", value: callee } };
  if (c.peek("{")) p.attrDict(attrs);
  c.expect(":", `and the type signature of ${name}`);
  const sig = parseFunctionType(c);
  p.checkTypes(name, operands, sig.inputs, at);
  return { name: "func.call", operands, attrs, resultTypes: sig.results };
}

/** `stablehlo.custom_call @target(%a, ...) {attrs} : (ts) -> rs`: attrs.call_target_name names the target. */
export function parseCustomCall(p: FuncParser, name: string, at: number): ParsedOp {
  const c = p.c;
  const target = c.symbol();
  c.expect("(", `after the target of ${name}`);
  const operands = p.useList();
  c.expect(")", `to close the operands of ${name}`);
  const attrs: Record<string, Attr> = {};
  if (c.peek("{")) p.attrDict(attrs);
  attrs.call_target_name = { kind: "string", value: target };
  c.expect(":", `and the type signature of ${name}`);
  const sig = parseFunctionType(c);
  p.checkTypes(name, operands, sig.inputs, at);
  return { name, operands, attrs, resultTypes: sig.results };
}

/**
 * The reference interpreter's instrumentation: `interpreter.probe %x, probe_id = "id" : t`
 * (returns %x, records it) and `interpreter.print %x : t`.
 */
export function parseInterpreterOp(p: FuncParser, name: string, at: number): ParsedOp {
  const c = p.c;
  if (name !== "interpreter.probe" && name !== "interpreter.print")
    c.error(`unknown operation '${name}' (write other ops in the generic form "name"(...))`, at);
  const x = p.use();
  const attrs: Record<string, Attr> = {};
  if (name === "interpreter.probe") {
    c.expect(",", 'and probe_id = "..." after the operand of interpreter.probe');
    c.expect("probe_id", "in interpreter.probe");
    c.expect("=", "after 'probe_id'");
    attrs.probe_id = { kind: "string", value: c.string() };
  }
  if (c.peek("{")) p.attrDict(attrs);
  c.expect(":", `and the operand type of ${name}`);
  const t = parseType(c);
  p.checkTypes(name, [x], [t], at);
  return { name, operands: [x], attrs, resultTypes: name === "interpreter.probe" ? [t] : [] };
}
