/**
 * The regular-expression part of the Espruino subset check (espruino-subset.ts): what a pattern and its flags use
 * beyond 2v29's matcher. Pure: takes the pattern text and flags, returns one rule per feature found.
 */
/* Groups 2v29's matcher does not know: after `(` it reads `?` and what follows as plain characters. */
const REGEX_GROUPS: [string, string][] = [
  ["(?:", "non-capturing group (?:"],
  ["(?=", "lookahead (?="],
  ["(?!", "negative lookahead (?!"],
  ["(?<=", "lookbehind (?<="],
  ["(?<!", "negative lookbehind (?<!"],
  ["(?<", "named group (?<"],
];

/*
 * What a regular expression uses beyond 2v29's matcher (src/jswrap_regexp.c: matchhere, matchcharacter,
 * jswrap_regexp_hasFlag; the lexer's jslLexRegex in src/jslex.c). That matcher knows `.`, classes `[...]`/`[^...]`,
 * the escapes \d \D \s \S \w \W \n \r \t \v \f \0 \xHH, `^` and `$`, plain capturing groups, `*` and `+` after a single
 * character or class, and `|` between top-level alternatives; anything else is read as literal text or fails.
 */
export function regexFindings(pattern: string, flags: string): string[] {
  const out: string[] = [];
  const add = (rule: string) => {
    if (!out.includes(rule)) out.push(rule);
  };
  for (const f of flags) {
    if (f === "g" || f === "i") continue;
    add("regex flag " + f + " (2v29 honours only g and i" + ("myu".includes(f) ? ")" : "; a /.../" + f + " literal does not parse)"));
  }
  let depth = 0;
  let inClass = false;
  /* What came before: "" (start, `(` or `|`), "atom", "group" (a closing parenthesis) or "quantifier". */
  let prev = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const e = pattern[i + 1] ?? "";
      if (/[1-9]/.test(e) && !inClass) add("regex backreference \\" + e + ' (2v29 throws "Backreferences not supported")');
      else if (e === "b" && !inClass) add("regex \\b (2v29 matches a backspace character, not a word boundary)");
      else if (e === "B" && !inClass) add("regex \\B (2v29 matches the letter B, not a non-boundary)");
      else if (e === "c" || e === "u" || ((e === "p" || e === "P") && /[uv]/.test(flags))) {
        add("regex escape \\" + e + " (2v29 matches the letter " + e + ")");
      }
      i++;
      if (!inClass) prev = "atom";
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      prev = "atom";
    } else if (c === "(") {
      const group = REGEX_GROUPS.find(([open]) => pattern.startsWith(open, i));
      if (group) {
        add("regex " + group[1] + " (2v29 has only plain capturing groups and no assertions but ^ and $)");
        i += group[0].length - 1;
      }
      depth++;
      prev = "";
    } else if (c === ")") {
      depth--;
      prev = "group";
    } else if (c === "|") {
      if (depth > 0) add("regex | inside a group (2v29 splits alternatives at the top level only)");
      prev = "";
    } else if (c === "*" || c === "+") {
      if (prev === "group") add("regex quantifier " + c + " after a group (2v29 repeats a single character or class only)");
      prev = "quantifier";
    } else if (c === "?") {
      if (prev === "quantifier") add("regex lazy quantifier " + pattern.slice(i - 1, i + 1) + " (2v29 has only greedy * and +)");
      else add('regex quantifier ? (2v29 has only * and +: it matches "?" as text)');
      prev = "quantifier";
    } else if (c === "{" && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      const q = (/^\{\d+(,\d*)?\}/.exec(pattern.slice(i)) as RegExpExecArray)[0];
      add("regex quantifier " + q + ' (2v29 has no counted quantifiers: it matches "' + q + '" as text)');
      i += q.length - 1;
      prev = "quantifier";
    } else prev = "atom";
  }
  return out;
}
