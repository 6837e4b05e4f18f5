// The slice of an MQTT client the Wi-Fi transports need (mqtt-radio.ts, lorawan/mqtt-payload-link.ts):
// implemented over @devicescript/net startMQTTClient on the buoy (ds-mqtt.ts), by a fake in tests.
// Topics are documented in docs/lorawan-mac.md "MQTT over Wi-Fi".

export interface MqttPort {
    connected(): boolean
    /** QoS 0, not retained; false when the client could not send. */
    publish(topic: string, payload: number[]): Promise<boolean>
    /** Handler gets the topic and payload of every message matching `topic` (MQTT wildcards allowed). */
    subscribe(topic: string, handler: (topic: string, payload: number[]) => void): Promise<boolean>
}

/** Topic root of one device: reeflink/v1/<devEui as 16 lower-case hex digits>. */
export function deviceTopic(devEui: string): string {
    return "reeflink/v1/" + devEui.toLowerCase()
}
