/** Kept so that tests written against this path keep running (tests/firmware, the flash test); new code imports gateway/testkit. */
export { ptyPair, type PtyPair } from "../../gateway/testkit/socat.ts";
