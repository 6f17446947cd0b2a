/**
 * Checks that JavaScript stays inside what the Espruino runtime accepts (../shared/espruino.md, "Works" and
 * "Does not work"), and away from what 2v29 parses but runs wrong (multi-character string searches, regex
 * features its matcher lacks, Pin names it cannot parse, Math.random, clearing an undefined timer): each such
 * rule names the function of the 2v29 source it comes from. The firmware build runs it on the bundle; tests run
 * it on the protocol codec.
 * Parses with acorn and walks every node; returns one finding per construct, with its line and column.
 */
import { parse, type Node } from "acorn";
import { full } from "acorn-walk";
import { regexFindings } from "./espruino-regex.ts";

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
const MATH_RANDOM =
  "Math.random repeats from run to run on the Linux build and is not a unique id on every board " +
  "(ESP32 and ESP8266 never seed it, and E.hwRand is the same generator there); use a counter in flash";
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
  /* `new RegExp("...", "...")` and `RegExp(...)` with a pattern (and flags) known at build time. */
  const checkRegExpCall = (n: AnyNode) => {
    if (n.callee.type !== "Identifier" || n.callee.name !== "RegExp" || n.arguments.length === 0) return;
    const text = (a: AnyNode | undefined): string | undefined => {
      if (!a) return "";
      if (a.type === "Literal" && typeof a.value === "string") return a.value;
      if (a.type === "TemplateLiteral" && a.expressions.length === 0) return a.quasis[0].value.cooked ?? undefined;
      return undefined;
    };
    const pattern = text(n.arguments[0]);
    const flags = text(n.arguments[1]);
    if (pattern !== undefined) for (const rule of regexFindings(pattern, flags ?? "")) report(n, rule);
    else if (flags) for (const rule of regexFindings("", flags)) report(n, rule);
  };
  /*
   * `Pin("LED1")`: 2v29's jshGetPinFromString (src/jspin.c) parses only a port letter A to I or V and one or two
   * digits (three in the Linux build); any other name gives an invalid pin, which `new Pin` turns into an empty,
   * truthy object. Whether a well-formed name exists on a board is not known here.
   */
  const checkPinCall = (n: AnyNode) => {
    if (n.callee.type !== "Identifier" || n.callee.name !== "Pin" || n.arguments.length === 0) return;
    const a = n.arguments[0] as AnyNode;
    const name = a.type === "Literal" ? a.value : a.type === "TemplateLiteral" && a.expressions.length === 0 ? a.quasis[0].value.cooked : undefined;
    if (typeof name === "string" && !/^[A-IV]\d{1,2}$/.test(name)) {
      const why = "2v29 parses only port-and-number names such as \"B2\" and gives an empty, truthy Pin for others";
      report(n, "Pin(" + JSON.stringify(name) + "): " + why + "; use the pin itself (LED1, B2)");
    }
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
        if (n.regex) for (const rule of regexFindings(n.regex.pattern, n.regex.flags)) report(n, rule);
        break;
      case "NewExpression":
        checkRegExpCall(n);
        checkPinCall(n);
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
        checkRegExpCall(n);
        checkPinCall(n);
        const callee = n.callee as AnyNode;
        /* src/jswrap_interactive.c, _jswrap_interface_clearTimeoutOrInterval: no argument clears every timer, an
           undefined one throws. Only the forms visible in the source are caught: `undefined` and `void x`. */
        if (callee.type === "Identifier" && (callee.name === "clearTimeout" || callee.name === "clearInterval")) {
          const a = n.arguments[0] as AnyNode | undefined;
          if (!a) report(n, callee.name + "() with no argument stops every timeout and interval in 2v29 (Node does nothing); pass the handle");
          else if ((a.type === "Identifier" && a.name === "undefined") || (a.type === "UnaryExpression" && a.operator === "void")) {
            report(n, callee.name + '(undefined) throws in 2v29 ("' + callee.name + '(undefined) not allowed"); clear only a handle you hold');
          }
        }
        /* src/jsinteractive.c, jsiHandleIOEventForWatches: when the loop handles a press's two edges together (it
           was busy longer than the press), the debounce timeout is moved on and never fires: the press is lost. */
        if (callee.type === "Identifier" && callee.name === "setWatch") {
          const o = n.arguments[2] as AnyNode | undefined;
          const d = o && o.type === "ObjectExpression" ? (o.properties as AnyNode[]).find((q) => q.type === "Property" && !q.computed && (q.key.name === "debounce" || q.key.value === "debounce")) : undefined;
          if (d && !(d.value.type === "Literal" && d.value.value === 0)) {
            report(d, "setWatch's debounce loses a whole press in 2v29 when the event loop was busy longer than the press; watch raw edges and debounce on their times");
          }
        }
        const method = callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier" ? callee.property.name : "";
        const needle = n.arguments[0] as AnyNode | undefined;
        if (Object.prototype.hasOwnProperty.call(PARTIAL_MATCH_METHODS, method) && needle && (minStringLength(needle) ?? 0) >= 2) {
          const array = method === "indexOf" || method === "includes";
          report(
            callee.property,
            "String." + method + " with a multi-character needle reports partial matches at the end in 2v29; " + PARTIAL_MATCH_METHODS[method] +
              (array ? " (Array." + method + " with such a string is reported too: the check cannot tell them apart)" : ""),
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
        /*
         * Espruino's own rand() (src/jsutils.c) starts from a fixed state; only the STM32 and nRF5x jshInit seed it
         * (srand(jshGetRandomNumber())), and on ESP32/ESP8266 jshGetRandomNumber, so E.hwRand, is that rand() too.
         */
        if (obj.type === "Identifier" && obj.name === "Math" && !n.computed && prop.type === "Identifier" && prop.name === "random") {
          report(n, MATH_RANDOM);
        }
        break;
      }
    }
  });
  return findings;
}
