// The embedded broker's access rules (aedes authenticate / authorizeSubscribe / authorizePublish):
//  - CONNECT with username + password = a credential (name + key, or admin + the configured
//    admin key); wrong ones are refused (return code 4). No username: anonymous.
//  - SensorThings topics (v1.0/…, v1.1/…): anyone may subscribe (the read role when reads are
//    not public), exact topics only — no wildcards; publishing is only the Observation create
//    topics, with the write role.
//  - Every other topic (ingest: application/…, v3/…, gateway/…): write role to publish or
//    subscribe. $SYS/…: admin role to subscribe, nobody publishes.
// A refused SUBSCRIBE gets SUBACK 128; a refused PUBLISH closes the connection (MQTT 3.1.1 has
// no negative PUBACK).
import type { Aedes, AuthenticateError, Client } from 'aedes'
import { roleAllows, type CredentialStore, type Principal, type Role } from '../../auth/credentials.js'
import { isCreateTopic, parseTopic, STA_PREFIX } from './topics.js'

export interface AclOptions {
  credentials: CredentialStore
  readAccess: 'public' | 'authenticated'
  /** Handles a publish to an Observation create topic; the packet is not forwarded. */
  onCreate: (client: Client, principal: Principal, topic: string, payload: Buffer) => void
}

export function installAcl(broker: Aedes, o: AclOptions): { principalOf: (c: Client) => Principal | null } {
  const principals = new WeakMap<Client, Principal>()
  const has = (c: Client | null, role: Role) => {
    const p = c ? principals.get(c) : undefined
    return !!p && roleAllows(p.role, role)
  }

  broker.authenticate = (client, username, password, done) => {
    if (!username && !password) return done(null, true)
    const p = o.credentials.checkUserPassword(username ?? '', password ? password.toString('utf8') : '')
    if (!p) {
      const err = new Error('bad user name or password') as AuthenticateError
      err.returnCode = 4
      return done(err, false)
    }
    principals.set(client, p)
    done(null, true)
  }

  broker.authorizeSubscribe = (client, sub, done) => {
    const topic = sub.topic
    if (STA_PREFIX.test(topic)) {
      const ok = !/[+#]/.test(topic) && parseTopic(topic) !== null && (o.readAccess === 'public' || has(client, 'read'))
      return done(null, ok ? sub : null)
    }
    if (topic.startsWith('$SYS')) return done(null, has(client, 'admin') ? sub : null)
    if (topic.startsWith('$')) return done(null, null)
    return done(null, has(client, 'write') ? sub : null)
  }

  broker.authorizePublish = (client, packet, done) => {
    const topic = packet.topic
    if (topic.startsWith('$')) return done(new Error(`${topic.slice(0, 40)}: reserved topic`))
    if (STA_PREFIX.test(topic)) {
      const principal = client ? principals.get(client) : undefined
      if (!client || !principal || !roleAllows(principal.role, 'write')) return done(new Error('creating Observations over MQTT needs the write role'))
      if (!isCreateTopic(parseTopic(topic))) return done(new Error(`${topic.slice(0, 80)}: only Observation create topics take publishes`))
      o.onCreate(client, principal, topic, packet.payload as Buffer)
      // Consumed: subscribers receive the created entity from the publisher, not the request.
      packet.topic = '$reeflink/consumed'
      packet.retain = false
      return done(null)
    }
    if (!has(client, 'write')) return done(new Error(`publishing to ${topic.slice(0, 80)} needs the write role`))
    done(null)
  }

  return { principalOf: (c) => principals.get(c) ?? null }
}
