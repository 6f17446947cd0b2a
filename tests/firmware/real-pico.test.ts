/** The firmware on the real Espruino interpreter with the pico's pool: every role and transport (real-variants.ts). */
import { variantSuite } from "./real-variants.ts";

variantSuite("pico");
