/** Test helper: a strict-enough XML well-formedness check for the SVG and HTML the report code writes. */
import assert from "node:assert/strict";

/**
 * Minimal XML well-formedness check: one root element, properly nested and closed tags, quoted and
 * unique attributes, only the five predefined or numeric entities, no stray '<' or '&'.
 */
export function checkWellFormed(xml: string): void {
  let s = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  s = s.replace(/<!--[\s\S]*?-->/g, "");
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === "<") {
      tag.lastIndex = i;
      const m = tag.exec(s);
      assert.ok(m, `malformed tag at …${s.slice(i, i + 40)}`);
      const [, close, name, attrs, selfClose] = m;
      const names = [...attrs.matchAll(/([A-Za-z_][\w:.-]*)\s*=/g)].map((a) => a[1]);
      assert.equal(new Set(names).size, names.length, `duplicate attribute in <${name}>`);
      for (const v of attrs.matchAll(/=\s*"([^"]*)"/g)) {
        assert.ok(
          !/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(v[1]),
          `bad entity in attribute of <${name}>`,
        );
      }
      if (close) assert.equal(stack.pop(), name, `mismatched </${name}>`);
      else if (!selfClose) {
        if (stack.length === 0) roots++;
        stack.push(name);
      } else if (stack.length === 0) roots++;
      i = tag.lastIndex;
    } else if (ch === "&") {
      entity.lastIndex = i;
      assert.ok(entity.exec(s), `bad entity at …${s.slice(i, i + 20)}`);
      i = entity.lastIndex;
    } else {
      if (stack.length === 0) assert.match(ch, /\s/, "text outside the root element");
      i++;
    }
  }
  assert.equal(stack.length, 0, `unclosed <${stack.at(-1)}>`);
  assert.equal(roots, 1, "exactly one root element");
}
