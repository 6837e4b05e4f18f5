// Structure-aware fuzzing of JSON messages: every path in a golden message, and an arbitrary that
// replaces or deletes the value at one of them (fast-check picks which and with what).
import fc from 'fast-check'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export function allPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = prefix.length ? [prefix] : []
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...allPaths(v, [...prefix, i])))
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push(...allPaths(v, [...prefix, k]))
  return out
}

function withChange(root: Json, path: (string | number)[], replacement: Json | undefined): Json {
  const copy = structuredClone(root)
  let parent = copy as Record<string | number, Json>
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>
  const last = path[path.length - 1]
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last]
  } else {
    parent[last] = replacement
  }
  return copy
}

/** The golden message with one value replaced by any JSON value (or removed), sometimes twice. */
export function mutatedMessage(golden: object): fc.Arbitrary<Json> {
  const root = golden as Json
  const paths = allPaths(root)
  const value = fc.oneof(
    fc.jsonValue() as fc.Arbitrary<Json>,
    // Values that pass a type check and still break arithmetic, Dates or lookups.
    fc.constantFrom<Json>(2 ** 53 - 1, 2 ** 32, -1, 1e308, 0.5, '', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', 'AAAA', '__proto__', null),
  )
  const change = fc.tuple(fc.nat(paths.length - 1), fc.option(value, { nil: undefined }))
  return fc.array(change, { minLength: 1, maxLength: 2 }).map((changes) => {
    let msg = root
    for (const [i, replacement] of changes) {
      const now = allPaths(msg)
      if (now.length > 0) msg = withChange(msg, now[i % now.length], replacement)
    }
    return msg
  })
}
