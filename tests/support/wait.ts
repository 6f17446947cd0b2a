/** Kept so that tests written against this path keep running (tests/firmware, the flash test); new code imports gateway/testkit. */
export { waitFor } from "../../gateway/testkit/wait.ts";
