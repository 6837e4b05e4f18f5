// Reading the device's identity and keys from the settings store. They are provisioned per buoy
// (DeviceScript: `.env.local` → settings at deploy, or writeSetting from a provisioning script),
// never compiled into the firmware. Values are hex strings, MSB first, as network servers show
// them; in a .env file they must be quoted ("…"), or the CLI stores digit-only values as numbers.
import { fromHex } from "./bytes.js"
import { macError, macOk, MacResult } from "./errors.js"
import { KEY_APPKEY, KEY_APPSKEY, KEY_DEVADDR, KEY_DEVEUI, KEY_JOINEUI, KEY_NWKSKEY, KeyValueStore } from "./store.js"

export interface AbpProvisioning {
    kind: "abp"
    devAddr: number
    nwkSKey: number[]
    appSKey: number[]
}

export interface OtaaProvisioning {
    kind: "otaa"
    devEui: number[]
    joinEui: number[]
    appKey: number[]
}

export type Provisioning = AbpProvisioning | OtaaProvisioning

/** A hex setting of exactly `bytes` bytes; the error names the key and says what is wrong. */
export function parseHexSetting(key: string, value: any, bytes: number): MacResult<number[]> {
    if (value === undefined || value === null) return macError("invalid_setting", key + " is not set")
    if (typeof value !== "string")
        return macError("invalid_setting", key + " must be a quoted hex string (got a " + typeof value + ")")
    const b = fromHex(value)
    if (b === null || b.length !== bytes)
        return macError("invalid_setting", key + " must be " + 2 * bytes + " hex digits (got " + value.length + " characters)")
    return macOk(b)
}

/** OTAA when lw_appkey is set, else ABP; every key of the chosen mode must be valid. */
export async function readProvisioning(store: KeyValueStore): Promise<MacResult<Provisioning>> {
    const appKeyText = await store.read(KEY_APPKEY)
    if (appKeyText !== undefined) {
        const appKey = parseHexSetting(KEY_APPKEY, appKeyText, 16)
        if (appKey.ok === false) return appKey
        const devEui = parseHexSetting(KEY_DEVEUI, await store.read(KEY_DEVEUI), 8)
        if (devEui.ok === false) return devEui
        const joinEui = parseHexSetting(KEY_JOINEUI, await store.read(KEY_JOINEUI), 8)
        if (joinEui.ok === false) return joinEui
        return macOk({ kind: "otaa", devEui: devEui.value, joinEui: joinEui.value, appKey: appKey.value })
    }
    const devAddrText = await store.read(KEY_DEVADDR)
    if (devAddrText === undefined)
        return macError("invalid_setting", "neither " + KEY_APPKEY + " (OTAA) nor " + KEY_DEVADDR + " (ABP) is set")
    const devAddr = parseHexSetting(KEY_DEVADDR, devAddrText, 4)
    if (devAddr.ok === false) return devAddr
    const nwkSKey = parseHexSetting(KEY_NWKSKEY, await store.read(KEY_NWKSKEY), 16)
    if (nwkSKey.ok === false) return nwkSKey
    const appSKey = parseHexSetting(KEY_APPSKEY, await store.read(KEY_APPSKEY), 16)
    if (appSKey.ok === false) return appSKey
    const a = devAddr.value
    return macOk({
        kind: "abp",
        // MSB first in the setting: 26011BDA is 0x26011BDA.
        devAddr: a[0] * 16777216 + ((a[1] << 16) | (a[2] << 8) | a[3]),
        nwkSKey: nwkSKey.value,
        appSKey: appSKey.value,
    })
}
