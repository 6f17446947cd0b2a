/** The firmware on the real Espruino interpreter with the esp8266's pool: every role and transport (real-variants.ts). */
import { variantSuite } from "./real-variants.ts";

variantSuite("esp8266");
