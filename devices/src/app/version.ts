// Firmware version, as the status uplink reports it ("major.minor.patch", each 0..255).
export const FIRMWARE_VERSION = "0.2.0"
