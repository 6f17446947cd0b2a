/** Kept so that tests written against this path keep running (tests/firmware); new code imports gateway/testkit. */
export { freePort, startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
