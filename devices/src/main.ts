// Board-less entry point: what `devs build` builds by default (and npm postinstall, to regenerate
// node_modules/@devicescript). The firmware for a board is src/main_<board id>.ts.
import { PAYLOAD_VERSION } from "./codec"
import { FIRMWARE_VERSION } from "./firmware"

console.log("reeflink buoy firmware " + FIRMWARE_VERSION + ", payload v" + PAYLOAD_VERSION + " (no board)")
