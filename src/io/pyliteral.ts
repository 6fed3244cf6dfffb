/**
 * A small parser for the subset of Python literal syntax used by .npy headers: dicts, tuples,
 * lists, quoted strings, integers (with the Python 2 `L` suffix), True, False and None. It never
 * evaluates anything; a syntax error throws a plain Error the caller turns into an InputError.
 */

/** A parsed literal. Tuples and lists both become arrays, dicts become Maps with string keys. */
export type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

// Hostile headers could nest brackets deeply enough to overflow the stack.
const MAX_DEPTH = 32;

const ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t", r: "\r", "0": "\0" };

/** Parses `text` as one Python literal followed only by whitespace. */
export function parsePyLiteral(text: string): PyValue {
  let pos = 0;

  const error = (what: string): never => {
    throw new Error(`${what} at offset ${pos}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };

  const parseString = (): string => {
    const quote = text[pos++];
    let out = "";
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === "\\") {
        const esc = ESCAPES[text[pos + 1]];
        if (esc === undefined) error("unsupported string escape");
        out += esc;
        pos += 2;
      } else {
        out += text[pos++];
      }
    }
    if (pos >= text.length) error("unterminated string");
    pos++;
    return out;
  };

  const parseSequence = (close: string, depth: number): PyValue[] => {
    const items: PyValue[] = [];
    for (;;) {
      skipSpace();
      if (text[pos] === close) {
        pos++;
        return items;
      }
      items.push(parseValue(depth + 1));
      skipSpace();
      if (text[pos] === ",") pos++;
      else if (text[pos] !== close) error(`expected ',' or '${close}'`);
    }
  };

  const parseDict = (depth: number): Map<string, PyValue> => {
    const map = new Map<string, PyValue>();
    for (;;) {
      skipSpace();
      if (text[pos] === "}") {
        pos++;
        return map;
      }
      if (text[pos] !== "'" && text[pos] !== '"') error("expected a string key");
      const key = parseString();
      if (map.has(key)) error(`duplicate key '${key}'`);
      skipSpace();
      if (text[pos] !== ":") error("expected ':'");
      pos++;
      map.set(key, parseValue(depth + 1));
      skipSpace();
      if (text[pos] === ",") pos++;
      else if (text[pos] !== "}") error("expected ',' or '}'");
    }
  };

  const parseValue = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) error("nesting too deep");
    skipSpace();
    const c = text[pos];
    if (c === "{") {
      pos++;
      return parseDict(depth);
    }
    if (c === "[") {
      pos++;
      return parseSequence("]", depth);
    }
    if (c === "(") {
      pos++;
      const start = pos;
      const items = parseSequence(")", depth);
      // "(x)" is just x in Python; only a comma makes a one-element tuple.
      const hasComma = text.slice(start, pos).trimEnd().slice(0, -1).trimEnd().endsWith(",");
      return items.length === 1 && !hasComma ? items[0] : items;
    }
    if (c === "'" || c === '"') return parseString();
    const word = /^(?:-?\d+L?|True|False|None)/.exec(text.slice(pos, pos + 64));
    if (!word) return error("unexpected character");
    pos += word[0].length;
    if (word[0] === "True") return true;
    if (word[0] === "False") return false;
    if (word[0] === "None") return null;
    // Unsafe integers come back inexact; callers validate with Number.isSafeInteger.
    const n = Number(word[0].replace(/L$/, ""));
    return Number.isSafeInteger(n) ? n : NaN;
  };

  const value = parseValue(0);
  skipSpace();
  if (pos !== text.length) error("unexpected text after the literal");
  return value;
}
