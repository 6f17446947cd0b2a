/**
 * Where Espruino 2v29 departs from the standard library in a way the firmware can trip on, as script text the
 * simulator runs in each board's own realm (board.ts), so that firmware relying on the standard answer fails here
 * as it fails on a board (shared/espruino.md; tests/firmware/real-vs-sim.test.ts compares with the interpreter).
 */
/*
 * Espruino 2v29's String search, in the board's own realm (shared/espruino.md; src/jswrap_string.c
 * jswrap_string_indexOf): from each position it compares only as far as the string goes, so a partial match at
 * the end counts ("abcd".indexOf("dq") is 3), and includes and a string replace inherit it.
 */
export const STRING_2V29 = `(function () {
  var P = String.prototype, indexOf = P.indexOf, replace = P.replace;
  var find = function (s, sub, from) {
    sub = String(sub);
    if (sub.length > s.length) return -1;
    var i = Math.min(Math.max(from | 0, 0), s.length - sub.length + 1);
    for (; i < s.length; i++) if (sub.slice(0, s.length - i) === s.slice(i, i + sub.length)) return i;
    return sub.length ? -1 : indexOf.call(s, sub, from);
  };
  P.indexOf = function (sub, from) { return find(String(this), sub, from); };
  P.includes = function (sub, from) { return find(String(this), sub, from) >= 0; };
  P.replace = function (pat, rep) {
    if (pat instanceof RegExp || typeof rep === "function") return replace.call(this, pat, rep);
    var s = String(this), i = find(s, pat, 0);
    return i < 0 ? s : s.slice(0, i) + String(rep) + s.slice(i + String(pat).length);
  };
})();`;
