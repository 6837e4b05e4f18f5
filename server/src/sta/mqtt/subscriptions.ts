// Which SensorThings topics have subscribers, from the broker's subscribe / unsubscribe /
// clientDisconnect events: the publisher serialises and publishes only for these.
import type { Client, Subscription } from 'aedes'
import { parseTopic, type StaTopic } from './topics.js'

export class Subscriptions {
  private readonly counts = new Map<string, { topic: StaTopic; n: number }>()
  private readonly byClient = new Map<Client, Set<string>>()

  add(client: Client, subs: Subscription[]): void {
    for (const s of subs) {
      if ((s.qos as number) === 128) continue // refused by authorizeSubscribe
      const t = parseTopic(s.topic)
      if (!t) continue
      let mine = this.byClient.get(client)
      if (!mine) this.byClient.set(client, (mine = new Set()))
      if (mine.has(s.topic)) continue
      mine.add(s.topic)
      const c = this.counts.get(s.topic)
      if (c) c.n++
      else this.counts.set(s.topic, { topic: t, n: 1 })
    }
  }

  remove(client: Client, topics: string[]): void {
    const mine = this.byClient.get(client)
    if (!mine) return
    for (const topic of topics) {
      if (!mine.delete(topic)) continue
      const c = this.counts.get(topic)
      if (c && --c.n === 0) this.counts.delete(topic)
    }
    if (!mine.size) this.byClient.delete(client)
  }

  dropClient(client: Client): void {
    const mine = this.byClient.get(client)
    if (mine) this.remove(client, [...mine])
  }

  /** Subscribed topics, by topic string. */
  topics(): IterableIterator<[string, StaTopic]> {
    const it = this.counts.entries()
    return (function* () {
      for (const [k, v] of it) yield [k, v.topic] as [string, StaTopic]
    })()
  }

  clients(): IterableIterator<Client> {
    return this.byClient.keys()
  }

  get size(): number {
    return this.counts.size
  }
}
