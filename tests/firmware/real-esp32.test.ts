/** The firmware on the real Espruino interpreter with the esp32's pool: every role and transport (real-variants.ts). */
import { variantSuite } from "./real-variants.ts";

variantSuite("esp32");
