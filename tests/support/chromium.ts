/** Debian's Chromium for the tests: the launcher is in the testkit, shared with the docs' screenshot script. */
export { CHROMIUM, launchChromium } from "../../gateway/testkit/chromium.ts";
