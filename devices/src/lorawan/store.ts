// Where the MAC keeps what must survive a reset: provisioning (keys, EUIs, DevAddr) and state
// (frame counters, DevNonce, JoinNonce, the OTAA session, MAC parameters). On the buoy this is
// @devicescript/settings (flash; src/lorawan/settings-store.ts); in tests, a MemoryStore.

/** Settings keys (DeviceScript limits keys to 13 characters). Provisioned by the user: */
export const KEY_DEVADDR = "lw_devaddr"
export const KEY_NWKSKEY = "lw_nwkskey"
export const KEY_APPSKEY = "lw_appskey"
export const KEY_DEVEUI = "lw_deveui"
export const KEY_JOINEUI = "lw_joineui"
export const KEY_APPKEY = "lw_appkey"
/** Written by the MAC: */
export const KEY_FCNT_UP = "lw_fcntup"
export const KEY_FCNT_DOWN = "lw_fcntdown"
export const KEY_DEVNONCE = "lw_devnonce"
export const KEY_JOINNONCE = "lw_joinnonce"
export const KEY_SESSION = "lw_session"
export const KEY_PARAMS = "lw_params"

/** JSON values by key; read gives undefined for a missing key. */
export interface KeyValueStore {
    read(key: string): Promise<any>
    /** False when the value could not be stored durably. */
    write(key: string, value: any): Promise<boolean>
}

/** In-memory store for tests: counts writes (flash wear) and can fail on demand. */
export class MemoryStore implements KeyValueStore {
    values: any = {}
    writes = 0
    /** When true, every write fails (simulates a full or broken flash). */
    failWrites = false

    async read(key: string): Promise<any> {
        const v = this.values[key]
        // Stored as JSON text, as the settings service does, so no object is shared with the caller.
        return v === undefined ? undefined : JSON.parse(v)
    }

    async write(key: string, value: any): Promise<boolean> {
        if (this.failWrites) return false
        this.writes++
        this.values[key] = JSON.stringify(value)
        return true
    }
}
