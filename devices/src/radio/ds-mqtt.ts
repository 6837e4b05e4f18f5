// MqttPort over @devicescript/net's MQTT client (TLS on 8883 by default; one socket at a time).
// DeviceScript only. Credentials come from settings like the LoRaWAN keys, never from the source.
import { MQTTClient, startMQTTClient } from "@devicescript/net"
import { MqttPort } from "./mqtt-port"

export interface DsMqttOptions {
    host: string
    port?: number
    /** "tls" (default) or "tcp" for a broker on a trusted network. */
    proto?: "tls" | "tcp"
    username?: string
    password?: string
    clientId?: string
}

export class DsMqttPort implements MqttPort {
    private client: MQTTClient | null = null

    /** Connects; false when the broker cannot be reached (the client retries on its own after). */
    async connect(o: DsMqttOptions): Promise<boolean> {
        try {
            this.client = await startMQTTClient({
                host: o.host,
                port: o.port,
                proto: o.proto ? o.proto : "tls",
                username: o.username,
                password: o.password,
                clientId: o.clientId,
            })
            return true
        } catch (e) {
            this.client = null
            return false
        }
    }

    connected(): boolean {
        return this.client !== null
    }

    async publish(topic: string, payload: number[]): Promise<boolean> {
        if (this.client === null) return false
        const buf = Buffer.alloc(payload.length)
        for (let i = 0; i < payload.length; i++) buf[i] = payload[i]
        try {
            return await this.client.publish(topic, buf)
        } catch (e) {
            return false
        }
    }

    async subscribe(topic: string, handler: (topic: string, payload: number[]) => void): Promise<boolean> {
        if (this.client === null) return false
        try {
            await this.client.subscribe(topic, async (msg) => {
                const out: number[] = []
                for (let i = 0; i < msg.content.length; i++) out.push(msg.content[i])
                handler(msg.topic, out)
            })
            return true
        } catch (e) {
            return false
        }
    }
}
