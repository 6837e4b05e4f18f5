// reeflink extensions to the SensorThings JSON (docs/sensorthings.md, "reeflink extensions"):
// annotations that point from an entity to the server's other services. Computed when serialised,
// not stored. Today: each Datastream's downloads (server/src/export: CSV, OceanSITES NetCDF for
// TEMP/PSAL/CNDC/PRES, PNG chart), absolute under the server root (honouring X-Forwarded-*).
import { isOceanSitesParameter } from '../export/oceansites-variables.js'
import type { EntityName } from './model.js'

export interface Annotations {
  /** SQL read for the annotations (over the alias placeholder `{a}`). */
  read: string[]
  /** The annotation names `links` may give. */
  keys: string[]
  /** Annotation name → absolute URL, from the server root, the entity id and the read values. */
  links: (root: string, id: unknown, values: unknown[]) => [string, string][]
}

export const ANNOTATIONS: Partial<Record<EntityName, Annotations>> = {
  Datastream: {
    read: ['{a}.quantity'],
    keys: ['reeflink:csv', 'reeflink:nc', 'reeflink:chart'],
    links: (root, id, [quantity]) => [
      ['reeflink:csv', `${root}/api/download/datastreams/${id}.csv`],
      ...(isOceanSitesParameter(typeof quantity === 'string' ? quantity : null) ? ([['reeflink:nc', `${root}/api/download/datastreams/${id}.nc`]] as [string, string][]) : []),
      ['reeflink:chart', `${root}/api/chart/${id}.png`],
    ],
  },
}

/** The server root of a service URL (https://host/prefix/v1.1 → https://host/prefix). */
export const rootOf = (base: string): string => base.replace(/\/v1\.\d+$/, '')
