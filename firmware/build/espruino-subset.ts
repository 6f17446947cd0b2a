/**
 * Checks that JavaScript stays inside what the Espruino runtime accepts (../shared/espruino.md, "Works" and
 * "Does not work"). The firmware build runs it on the bundle; tests run it on the protocol codec.
 * Parses with acorn and walks every node; returns one finding per construct, with its line and column.
 */
import { parse, type Node } from "acorn";
import { full } from "acorn-walk";

export interface Finding {
  line: number;
  column: number;
  rule: string;
}

/** Globals Espruino does not have, or that are Node/browser only. */
const BANNED_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Symbol", "Buffer", "TextEncoder", "TextDecoder", "Reflect", "Proxy", "BigInt"];
/** Static methods Espruino lacks: `Object.member`. */
const BANNED_MEMBERS: { [object: string]: string[] } = {
  Array: ["from", "of"],
  Number: ["isInteger", "isSafeInteger", "isFinite", "isNaN"],
  Math: ["trunc", "sign", "cbrt", "log2", "log10", "hypot"],
  Object: ["freeze", "seal", "getOwnPropertySymbols"],
  String: ["raw"],
};
const BANNED_OPERATORS = ["**", "**=", "??=", "||=", "&&="];
/*
 * String methods that search with 2v29's forward `jswrap_string_indexOf` (src/jswrap_string.c): its new fast path
 * compares until the end of the string and counts a needle cut off there as found, so `"abcd".indexOf("dq")` is 3.
 * `lastIndexOf`, `split`, `startsWith` and `endsWith` compare only where the whole needle fits and are not listed.
 * What to do instead, per method.
 */
const PARTIAL_MATCH_METHODS: { [method: string]: string } = {
  indexOf: "compare with a slice or use a one-character needle",
  includes: "compare with a slice or use a one-character needle",
  match: "use a RegExp or a one-character needle",
  replace: "use a RegExp or a one-character needle",
  replaceAll: "use a RegExp or a one-character needle",
};

type AnyNode = Node & { [key: string]: any };

function pos(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/* Calls `onId` for every identifier under `root` that names a value (property keys are skipped), and whether it
   sits inside a function nested in `root`. */
function eachValueIdentifier(root: AnyNode, onId: (id: AnyNode, inFunction: boolean) => void): void {
  const visit = (node: AnyNode, inFunction: boolean): void => {
    if (!node || typeof node.type !== "string") return;
    if (node.type === "Identifier") onId(node, inFunction);
    const nested = inFunction || /Function/.test(node.type);
    for (const key of Object.keys(node)) {
      if (key === "type" || key === "start" || key === "end") continue;
      if ((key === "property" || key === "key") && !node.computed) continue;
      const child = node[key];
      if (Array.isArray(child)) child.forEach((c) => c && typeof c.type === "string" && visit(c, nested));
      else if (child && typeof child.type === "string") visit(child, nested);
    }
  };
  visit(root, false);
}

/* Functions declared later in a block are undefined until their declaration runs (no hoisting). */
function checkHoisting(body: AnyNode[], report: (n: AnyNode, rule: string) => void): void {
  const declaredAt = new Map<string, number>();
  body.forEach((stmt, i) => {
    if (stmt.type === "FunctionDeclaration" && stmt.id) declaredAt.set(stmt.id.name, i);
  });
  if (declaredAt.size === 0) return;
  body.forEach((stmt, i) => {
    if (stmt.type === "FunctionDeclaration") return;
    eachValueIdentifier(stmt, (id, inFunction) => {
      const at = declaredAt.get(id.name);
      if (!inFunction && at !== undefined && at > i) report(id, "uses function " + id.name + " before its declaration runs (Espruino does not hoist)");
    });
  });
}

/*
 * Closures created in `for (let i ...)` all share one `i` on Espruino (they see its last value): report a
 * function inside the loop that uses a variable the loop header declares.
 */
function checkLoopClosures(loop: AnyNode, report: (n: AnyNode, rule: string) => void): void {
  const init = loop.type === "ForStatement" ? loop.init : loop.left;
  if (!init || init.type !== "VariableDeclaration" || init.kind === "var") return;
  const names = new Set<string>();
  for (const d of init.declarations as AnyNode[]) if (d.id.type === "Identifier") names.add(d.id.name);
  eachValueIdentifier(loop.body, (id, inFunction) => {
    if (inFunction && names.has(id.name)) report(id, "closure captures loop variable " + id.name + " of for (let ...) (Espruino shares one binding)");
  });
}

/*
 * The fewest characters (code points, as Espruino's UTF-8 iterator counts them) the string `node` can have, when
 * it is surely a string: a string literal, a template literal (its text without the substitutions) or a `+`
 * with one of those on either side; undefined when it may not be a string.
 */
function minStringLength(node: AnyNode): number | undefined {
  if (node.type === "Literal") return typeof node.value === "string" ? [...node.value].length : undefined;
  if (node.type === "TemplateLiteral") return (node.quasis as AnyNode[]).reduce((a, q) => a + [...(q.value.cooked ?? "")].length, 0);
  if (node.type === "BinaryExpression" && node.operator === "+") {
    const l = minStringLength(node.left);
    const r = minStringLength(node.right);
    if (l === undefined && r === undefined) return undefined;
    return (l ?? 0) + (r ?? 0);
  }
  return undefined;
}

/** Every construct in `source` that Espruino would reject; empty when the source fits. */
export function checkEspruinoSubset(source: string): Finding[] {
  const findings: Finding[] = [];
  let ast: AnyNode;
  try {
    ast = parse(source, { ecmaVersion: "latest", sourceType: "script", allowHashBang: true }) as AnyNode;
  } catch (e) {
    return [{ line: 0, column: 0, rule: "does not parse as a script: " + (e as Error).message }];
  }
  const report = (n: AnyNode, rule: string) => findings.push({ ...pos(source, n.start), rule });
  const params = (fn: AnyNode) => {
    for (const p of fn.params as AnyNode[]) {
      if (p.type === "AssignmentPattern") report(p, "default parameter");
      else if (p.type === "RestElement") report(p, "rest parameter");
      else if (p.type !== "Identifier") report(p, "destructuring parameter");
    }
    if (fn.async) report(fn, "async function");
    if (fn.generator) report(fn, "generator");
  };
  full(ast, (node) => {
    const n = node as AnyNode;
    switch (n.type) {
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        params(n);
        break;
      case "Program":
      case "BlockStatement":
      case "StaticBlock":
        checkHoisting(n.body, report);
        break;
      case "ForStatement":
      case "ForOfStatement":
      case "ForInStatement":
        checkLoopClosures(n, report);
        break;
      case "ObjectPattern":
      case "ArrayPattern":
        report(n, "destructuring");
        break;
      case "SpreadElement":
        report(n, "spread");
        break;
      case "RestElement":
        break;
      case "AwaitExpression":
        report(n, "await");
        break;
      case "YieldExpression":
        report(n, "yield");
        break;
      case "ChainExpression":
        report(n, "optional chaining ?.");
        break;
      case "LabeledStatement":
        report(n, "label");
        break;
      case "PropertyDefinition":
        report(n, "class field");
        break;
      case "ImportExpression":
      case "ImportDeclaration":
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "MetaProperty":
        report(n, "module syntax (" + n.type + ")");
        break;
      case "Literal":
        if (n.bigint !== undefined) report(n, "BigInt literal");
        break;
      case "CatchClause":
        if (!n.param) report(n, "catch without a binding");
        break;
      case "Property":
      case "MethodDefinition":
        if (n.computed) report(n, "computed property key");
        break;
      case "BinaryExpression":
      case "AssignmentExpression":
      case "LogicalExpression":
        if (BANNED_OPERATORS.includes(n.operator)) report(n, "operator " + n.operator);
        break;
      case "ClassDeclaration":
      case "ClassExpression":
        if (n.superClass && n.superClass.type === "Identifier" && /Error$/.test(n.superClass.name)) {
          report(n, "subclass of " + n.superClass.name + " (loses its message on Espruino)");
        }
        break;
      case "Identifier":
        if (BANNED_GLOBALS.includes(n.name)) report(n, "global " + n.name);
        break;
      case "CallExpression": {
        const callee = n.callee as AnyNode;
        const method = callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier" ? callee.property.name : "";
        if (Object.prototype.hasOwnProperty.call(PARTIAL_MATCH_METHODS, method) && n.arguments.length > 0 && (minStringLength(n.arguments[0]) ?? 0) >= 2) {
          report(
            callee.property,
            "String." + method + " with a multi-character needle reports partial matches at the end in 2v29; " + PARTIAL_MATCH_METHODS[method] +
              (method === "indexOf" || method === "includes" ? " (Array." + method + " with such a string is reported too: the check cannot tell them apart)" : ""),
          );
        }
        break;
      }
      case "MemberExpression": {
        const obj = n.object as AnyNode;
        const prop = n.property as AnyNode;
        const banned = obj.type === "Identifier" ? BANNED_MEMBERS[obj.name] : undefined;
        if (banned && !n.computed && prop.type === "Identifier" && banned.includes(prop.name)) {
          report(n, obj.name + "." + prop.name);
        }
        break;
      }
    }
  });
  return findings;
}
