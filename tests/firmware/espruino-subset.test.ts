import { describe, expect, it } from "vitest";
import { checkEspruinoSubset } from "../../firmware/build/espruino-subset.ts";

const rejected: [string, string][] = [
  ["function f(a = 1) {}", "default parameter"],
  ["function f(...a) {}", "rest parameter"],
  ["var x = [...a];", "spread"],
  ["var o = { ...a };", "spread"],
  ["var { a } = o;", "destructuring"],
  ["var [a] = o;", "destructuring"],
  ["function f({ a }) {}", "destructuring parameter"],
  ["async function f() {}", "async function"],
  ["function* g() {}", "generator"],
  ["var v = a?.b;", "optional chaining ?."],
  ["var v = a ** 2;", "operator **"],
  ["a ??= 1;", "operator ??="],
  ["a ||= 1;", "operator ||="],
  ["var o = { [k]: 1 };", "computed property key"],
  ["outer: for (;;) { break outer; }", "label"],
  ["var m = new Map();", "global Map"],
  ["var s = new Set();", "global Set"],
  ["var y = Symbol('x');", "global Symbol"],
  ["var a = Array.from(x);", "Array.from"],
  ["var b = Number.isInteger(1);", "Number.isInteger"],
  ["var c = Math.trunc(1.5);", "Math.trunc"],
  ["Object.freeze(o);", "Object.freeze"],
  ["class E2 extends Error {}", "subclass of Error (loses its message on Espruino)"],
  ["class C { x = 1; }", "class field"],
  ["f(); function f() {}", "uses function f before its declaration runs (Espruino does not hoist)"],
  ["function g() { f(); function f() {} }", "uses function f before its declaration runs (Espruino does not hoist)"],
  ["var n = 10n;", "BigInt literal"],
  ["try {} catch {}", "catch without a binding"],
  ["var b = Buffer.from('x');", "global Buffer"],
  ["for (let i = 0; i < 3; i++) setTimeout(function () { f(i); }, 1);", "closure captures loop variable i of for (let ...) (Espruino shares one binding)"],
  ["for (const x of a) { g.push(() => x); }", "closure captures loop variable x of for (let ...) (Espruino shares one binding)"],
  ["var i = s.indexOf('dq');", "String.indexOf with a multi-character needle reports partial matches at the end in 2v29; compare with a slice or use a one-character needle (Array.indexOf with such a string is reported too: the check cannot tell them apart)"],
  ["if (s.includes(`${a}ok`)) f();", "String.includes with a multi-character needle reports partial matches at the end in 2v29; compare with a slice or use a one-character needle (Array.includes with such a string is reported too: the check cannot tell them apart)"],
  ["var t = s.replace(x + '\\r\\n', '');", "String.replace with a multi-character needle reports partial matches at the end in 2v29; use a RegExp or a one-character needle"],
  ["var t = s.replaceAll('ab', 'c');", "String.replaceAll with a multi-character needle reports partial matches at the end in 2v29; use a RegExp or a one-character needle"],
  ["var m = s.match('ab');", "String.match with a multi-character needle reports partial matches at the end in 2v29; use a RegExp or a one-character needle"],
  ["var r = /^\\d{8}$/;", 'regex quantifier {8} (2v29 has no counted quantifiers: it matches "{8}" as text)'],
  ["var r = new RegExp('^a{2,}');", 'regex quantifier {2,} (2v29 has no counted quantifiers: it matches "{2,}" as text)'],
  ["var r = /^-?\\d+$/;", 'regex quantifier ? (2v29 has only * and +: it matches "?" as text)'],
  ["var r = /<.+?>/;", "regex lazy quantifier +? (2v29 has only greedy * and +)"],
  ["var r = /^(ab)+$/;", "regex quantifier + after a group (2v29 repeats a single character or class only)"],
  ["var r = /^(a|b)c$/;", "regex | inside a group (2v29 splits alternatives at the top level only)"],
  ["var r = /a(?=b)/;", "regex lookahead (?= (2v29 has only plain capturing groups and no assertions but ^ and $)"],
  ["var r = /(?<lo>a)/;", "regex named group (?< (2v29 has only plain capturing groups and no assertions but ^ and $)"],
  ["var r = RegExp('(?:ab)');", "regex non-capturing group (?: (2v29 has only plain capturing groups and no assertions but ^ and $)"],
  ["var r = /(a)\\1/;", 'regex backreference \\1 (2v29 throws "Backreferences not supported")'],
  ["var r = /\\bok\\b/;", "regex \\b (2v29 matches a backspace character, not a word boundary)"],
  ["var r = /\\u0041/;", "regex escape \\u (2v29 matches the letter u)"],
  ["var r = /a.b/s;", "regex flag s (2v29 honours only g and i; a /.../s literal does not parse)"],
  ["var r = new RegExp(p, 'y');", "regex flag y (2v29 honours only g and i)"],
  ['var p = new Pin("LED1");', 'Pin("LED1"): 2v29 parses only port-and-number names such as "B2" and gives an empty, truthy Pin for others; use the pin itself (LED1, B2)'],
  ["var p = Pin('BTN');", 'Pin("BTN"): 2v29 parses only port-and-number names such as "B2" and gives an empty, truthy Pin for others; use the pin itself (LED1, B2)'],
  ["var boot = Math.floor(Math.random() * 1e6);", "Math.random repeats from run to run on the Linux build and is not a unique id on every board (ESP32 and ESP8266 never seed it, and E.hwRand is the same generator there); use a counter in flash"],
  ["clearTimeout(void 0);", 'clearTimeout(undefined) throws in 2v29 ("clearTimeout(undefined) not allowed"); clear only a handle you hold'],
  ["if (t) clearInterval(undefined);", 'clearInterval(undefined) throws in 2v29 ("clearInterval(undefined) not allowed"); clear only a handle you hold'],
  ["clearTimeout();", "clearTimeout() with no argument stops every timeout and interval in 2v29 (Node does nothing); pass the handle"],
  ["setWatch(f, B3, { repeat: true, edge: 'both', debounce: 50 });", "setWatch's debounce loses a whole press in 2v29 when the event loop was busy longer than the press; watch raw edges and debounce on their times"],
  ["export var a = 1;", "does not parse as a script: 'import' and 'export' may appear only with 'sourceType: module' (1:0)"],
];

const accepted = [
  "var a = 1; let b = 2; const c = 3;",
  "function f() { return g(); } function g() { return 1; } f();",
  "var h = () => this; class A { static s() {} get x() { return 1; } set x(v) {} } class B extends A { constructor() { super(); } }",
  "var t = `x${1}`; for (const c of 'ab') {} var n = a ?? b;",
  "Promise.all([]).then(function () {}).catch(function (e) {});",
  "[1].includes(1); [1].find(function (x) { return x; }); Object.assign({}, {}); Object.entries({});",
  "'a'.padStart(2, '0'); new Uint8Array(2); new DataView(new ArrayBuffer(2)); Array.isArray([]);",
  "var o = { Map: 1, Set: 2 }; o.Map = o.Set; try { x(); } catch (e) {}",
  "for (let i = 0; i < 3; i++) { f(i); } for (var j = 0; j < 3; j++) setTimeout(function () { f(j); }, 1);",
  "for (let i = 0; i < 3; i++) { a.forEach(function (x) { f(x); }); }",
  "var i = s.indexOf('d') + s.indexOf(x) + s.indexOf('\\n', 2) + s.lastIndexOf('dq'); s.includes(`${a}`); s.split('dq'); s.startsWith('dq');",
  "var r = [/^lbb/, /,[ax]$/g, /^[0-9a-f]+$/i, /^a$|^b$/, /(\\d+)-(\\w*)/, /a\\{2\\}\\?/, /[?(){}|]/, /x{/, /[\\b]/]; new RegExp('^lb' + x); new RegExp('\\\\d+', 'gi'); new RegExp(p, f);",
  "var p = [new Pin('B2'), Pin('D25'), new Pin(LED1), Pin(name), new Pin(5)]; digitalWrite(LED1, 1);",
  "var n = Math.floor(Math.min(a, b) * 2) + Math.max(1, getTime()); var o = { random: 1 }; o.random = Math.PI;",
  "if (t !== undefined) { clearTimeout(t); t = undefined; } clearInterval(st.id); clearTimeout(null);",
  "setWatch(f, B3, { repeat: true, edge: 'both' }); setWatch(f, B4, { debounce: 0 }); o.setWatch(f, B5, { debounce: 9 });",
  "var t = s.replace(/dq/g, '') + s.replace('|', x + 'ab'); s.match(/ab/); o['indexOf']('dq');",
];

describe("Espruino subset check", () => {
  it.each(rejected)("rejects %s", (source, rule) => {
    expect(checkEspruinoSubset(source).map((f) => f.rule)).toContain(rule);
  });

  it.each(accepted)("accepts %s", (source) => {
    expect(checkEspruinoSubset(source)).toEqual([]);
  });

  it("reports line and column", () => {
    expect(checkEspruinoSubset("var a = 1;\nvar m = new Map();")).toEqual([{ line: 2, column: 13, rule: "global Map" }]);
    const at = (source: string) => checkEspruinoSubset(source).map((f) => [f.line, f.column]);
    expect(at("var a = 1;\nvar i = s.indexOf('dq');")).toEqual([[2, 11]]);
    expect(at("var a = 1;\n  var r = /a{2}/;")).toEqual([[2, 11]]);
    expect(at("\nclearTimeout(void 0);")).toEqual([[2, 1]]);
  });
});
