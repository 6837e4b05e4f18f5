// The MAC's KeyValueStore on the buoy: @devicescript/settings (flash; keys ≤ 13 characters).
// DeviceScript only: Node tests use MemoryStore. A failed write is reported, not thrown, so the
// MAC can refuse to transmit with a counter it could not reserve.
import { readSetting, writeSetting } from "@devicescript/settings"
import { KeyValueStore } from "./store.js"

export class SettingsStore implements KeyValueStore {
    async read(key: string): Promise<any> {
        try {
            return await readSetting(key, undefined)
        } catch (e) {
            return undefined
        }
    }

    async write(key: string, value: any): Promise<boolean> {
        try {
            await writeSetting(key, value)
            return true
        } catch (e) {
            return false
        }
    }
}
