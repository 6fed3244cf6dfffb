/**
 * Expands a file glob (for `--checkpoints 'ckpts/step-*.safetensors'`, quoted so the shell leaves it
 * alone): `*` any run of characters within a path segment, `?` one character, `[abc]`/`[a-z]`/`[!a]`
 * a character class, `**` any number of directories. Only files are returned, sorted; a pattern
 * without wildcards names one file.
 */
import { readdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";

const MAGIC = /[*?[]/;

function segmentRegex(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = seg.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = seg.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function entries(dir: string): { name: string; isDir: boolean }[] {
  try {
    return readdirSync(dir || ".", { withFileTypes: true }).map((d) => ({
      name: d.name,
      isDir: d.isDirectory() || (d.isSymbolicLink() && isDir(join(dir || ".", d.name))),
    }));
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function expandGlob(pattern: string): string[] {
  const parts = pattern.split(/[\\/]/);
  const absolute = pattern.startsWith("/");
  let i = 0;
  const fixed: string[] = [];
  while (i < parts.length && !MAGIC.test(parts[i])) fixed.push(parts[i++]);
  const base = absolute ? fixed.join(sep) || sep : fixed.join(sep);
  if (i === parts.length) return isFile(base) ? [base] : [];
  const out = new Set<string>();
  const walk = (dir: string, k: number) => {
    if (k === parts.length) {
      if (isFile(dir)) out.add(dir);
      return;
    }
    const seg = parts[k];
    if (seg === "**") {
      walk(dir, k + 1);
      for (const e of entries(dir)) if (e.isDir && !e.name.startsWith(".")) walk(join(dir, e.name), k);
      return;
    }
    if (!MAGIC.test(seg)) {
      walk(join(dir, seg), k + 1);
      return;
    }
    const re = segmentRegex(seg);
    for (const e of entries(dir)) {
      if (!re.test(e.name) || (e.name.startsWith(".") && !seg.startsWith("."))) continue;
      walk(dir ? join(dir, e.name) : e.name, k + 1);
    }
  };
  walk(base, i);
  return [...out].sort();
}
