// Entity change events, emitted after a store transaction commits (ingest, provisioning,
// SensorThings writes). The SensorThings MQTT publisher listens here; emitters never wait for
// listeners, so a slow subscriber cannot block ingest.
import { EventEmitter } from 'node:events'

export type EntitySet =
  | 'Things'
  | 'Locations'
  | 'HistoricalLocations'
  | 'Sensors'
  | 'ObservedProperties'
  | 'Datastreams'
  | 'MultiDatastreams'
  | 'FeaturesOfInterest'
  | 'Observations'

export interface EntityChange {
  set: EntitySet
  id: number
  kind: 'create' | 'update' | 'delete'
}

export class EntityEvents {
  private readonly emitter = new EventEmitter()

  constructor() {
    this.emitter.setMaxListeners(100)
  }

  /** Called once per committed transaction with everything it changed. */
  emit(changes: EntityChange[]): void {
    if (changes.length) this.emitter.emit('changes', changes)
  }

  on(listener: (changes: EntityChange[]) => void): () => void {
    this.emitter.on('changes', listener)
    return () => this.emitter.off('changes', listener)
  }
}
