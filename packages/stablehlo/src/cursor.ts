// A character cursor over MLIR text. MLIR's syntax is context dependent (`2x3xf32`
// inside `tensor<...>`, `[1:3]` in slice), so the parser reads characters on demand
// instead of a fixed token stream. Errors name the line, the column, what was
// expected and what was found.

const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_$.]/;

export class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = "ParseError";
  }
}

export class Cursor {
  pos = 0;

  constructor(readonly text: string) {}

  /** Skips whitespace and `//` comments. */
  ws(): void {
    const t = this.text;
    for (;;) {
      while (this.pos < t.length && /\s/.test(t[this.pos]!)) this.pos++;
      if (t.startsWith("//", this.pos)) {
        const nl = t.indexOf("\n", this.pos);
        this.pos = nl < 0 ? t.length : nl;
      } else return;
    }
  }

  /** The position of the next token (after whitespace), for error messages. */
  here(): number {
    this.ws();
    return this.pos;
  }

  atEnd(): boolean {
    this.ws();
    return this.pos >= this.text.length;
  }

  /** Whether the text continues with `s` (after whitespace); a word must end there. */
  peek(s: string): boolean {
    this.ws();
    if (!this.text.startsWith(s, this.pos)) return false;
    if (IDENT_CHAR.test(s[s.length - 1]!) && IDENT_START.test(s[0]!)) {
      const next = this.text[this.pos + s.length];
      if (next !== undefined && IDENT_CHAR.test(next)) return false;
    }
    return true;
  }

  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }

  expect(s: string, context?: string): void {
    if (!this.eat(s)) this.fail(`'${s}'${context ? ` ${context}` : ""}`);
  }

  /** Throws "line L:C: expected <what>, found '<text>'". */
  fail(expected: string, at = this.pos): never {
    this.ws();
    const found = this.pos >= this.text.length ? "end of input" : `'${this.snippet()}'`;
    return this.error(`expected ${expected}, found ${found}`, at);
  }

  error(msg: string, at = this.pos): never {
    const { line, column } = this.lineCol(at);
    throw new ParseError(`line ${line}:${column}: ${msg}`, line, column);
  }

  /** 1-based line and column of a text position. */
  lineCol(at: number): { line: number; column: number } {
    const before = this.text.slice(0, at);
    return { line: before.split("\n").length, column: at - before.lastIndexOf("\n") };
  }

  private snippet(): string {
    const rest = this.text.slice(this.pos, this.pos + 40);
    const m = /^(\S+)/.exec(rest);
    return m ? m[1]! : rest;
  }

  /** A bare identifier such as `stablehlo.add`, `func.func`, `tensor`, `LT`. */
  ident(what = "an identifier"): string {
    this.ws();
    const t = this.text;
    if (!IDENT_START.test(t[this.pos] ?? "")) this.fail(what);
    const start = this.pos;
    while (this.pos < t.length && IDENT_CHAR.test(t[this.pos]!)) this.pos++;
    return t.slice(start, this.pos);
  }

  /** The text of `%name` (without `%`): a number or an identifier, optionally `#N`. */
  valueRef(what = "a value (%name)"): string {
    this.ws();
    if (this.text[this.pos] !== "%") this.fail(what);
    this.pos++;
    const m = /^([0-9]+|[A-Za-z_$.-][A-Za-z0-9_$.-]*)(#[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 200));
    if (!m) this.fail(`a value name after '%'`);
    this.pos += m[0].length;
    return m[0];
  }

  /** `@name` or `@"name"`. */
  symbol(): string {
    this.expect("@", "before a symbol name");
    if (this.text[this.pos] === '"') return this.string();
    const m = /^[A-Za-z_][A-Za-z0-9_$.-]*/.exec(this.text.slice(this.pos, this.pos + 200));
    if (!m) this.fail("a symbol name after '@'");
    this.pos += m[0].length;
    return m[0];
  }

  /** A string literal with MLIR escapes (backslash before `"`, `\\`, `n`, `t` or two hex digits). */
  string(): string {
    this.ws();
    const t = this.text;
    if (t[this.pos] !== '"') this.fail("a string literal");
    const start = this.pos;
    this.pos++;
    // Fast path: no escapes (hex blobs of large constants are long plain strings).
    let end = this.pos;
    while (end < t.length && t.charCodeAt(end) !== 34 /* " */ && t.charCodeAt(end) !== 92 /* \\ */) end++;
    if (t.charCodeAt(end) === 34) {
      this.pos = end + 1;
      return t.slice(start + 1, end);
    }
    const bytes: number[] = [];
    const enc = new TextEncoder();
    for (;;) {
      if (this.pos >= t.length) this.error("unterminated string literal", start);
      const c = t[this.pos++]!;
      if (c === '"') break;
      if (c !== "\\") {
        for (const b of enc.encode(c)) bytes.push(b);
        continue;
      }
      const e = t[this.pos++];
      if (e === '"' || e === "\\") bytes.push(e.charCodeAt(0));
      else if (e === "n") bytes.push(10);
      else if (e === "t") bytes.push(9);
      else {
        const hex = t.slice(this.pos - 1, this.pos + 1);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) this.error(`invalid escape '\\${hex}' in string`);
        bytes.push(parseInt(hex, 16));
        this.pos++;
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }

  /** A number token: `{ text, float }` where float means it has a '.' or exponent. Hex stays text. */
  number(what = "a number"): { text: string; float: boolean; hex: boolean } {
    this.ws();
    const rest = this.text.slice(this.pos, this.pos + 400);
    const hex = /^0x[0-9A-Fa-f]+/.exec(rest);
    if (hex) {
      this.pos += hex[0].length;
      return { text: hex[0], float: false, hex: true };
    }
    const m = /^[-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?/.exec(rest);
    if (!m) this.fail(what);
    this.pos += m[0].length;
    return { text: m[0], float: m[1] !== undefined || m[2] !== undefined, hex: false };
  }

  /** A (possibly negative) integer that fits a JS number exactly. */
  int(what = "an integer"): number {
    const at = this.pos;
    const n = this.number(what);
    if (n.float) this.fail(what, at);
    const v = Number(n.text);
    if (!Number.isSafeInteger(v)) this.error(`integer ${n.text} is too large here`, at);
    return v;
  }

  /** `[1, 2, 3]` (or `[]`). */
  intList(what = "a list of integers [..]"): number[] {
    this.expect("[", `to start ${what}`);
    const out: number[] = [];
    if (this.eat("]")) return out;
    do out.push(this.int());
    while (this.eat(","));
    this.expect("]", `to close ${what}`);
    return out;
  }

  /** Skips to the `close` that ends the current group (nested groups and strings skipped), and past it. */
  skipGroupTo(close: string): void {
    let depth = 0;
    const at = this.pos;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === '"') {
        this.string();
        continue;
      }
      this.pos++;
      if (ch === "-" && this.text[this.pos] === ">") {
        this.pos++;
        continue;
      }
      if ("{(<[".includes(ch)) depth++;
      else if ("})>]".includes(ch)) {
        if (depth === 0 && ch === close) return;
        depth--;
      }
    }
    this.error(`unbalanced group, expected '${close}'`, at);
  }

  /** Skips a balanced `{...}`, `(...)`, `<...>` or `[...]` group, strings included; for ignored attributes. */
  skipGroup(): void {
    this.ws();
    const open = this.text[this.pos]!;
    const close = ({ "{": "}", "(": ")", "<": ">", "[": "]" } as Record<string, string>)[open];
    if (!close) this.fail("'{', '(', '<' or '['");
    const stack: string[] = [];
    const at = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.string();
        continue;
      }
      this.pos++;
      if (c === "-" && this.text[this.pos] === ">") {
        this.pos++;
        continue;
      } // `->` is no closing '>'
      if ("{(<[".includes(c)) stack.push(c);
      else if ("})>]".includes(c)) {
        stack.pop();
        if (stack.length === 0) return;
      }
    }
    this.error(`unbalanced '${open}'`, at);
  }
}
