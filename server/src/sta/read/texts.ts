// Rows → JSON text from the plans' writers (serialise.ts), expansions spliced in; the same bytes
// as JSON.stringify of toEntities (objects.ts), which is kept for plans without a writer.
import { childrenOf, pageOfChildren } from './expand.js'
import { toEntities } from './objects.js'
import type { Plan } from './plan.js'
import { rootOfCtx, type ReadContext, type Row } from './context.js'

export function toTexts(ctx: ReadContext, plan: Plan, rows: Row[]): string[] {
  const write = plan.writer
  if (!write) return toEntities(ctx, plan, rows).map((e) => JSON.stringify(e))
  const root = rootOfCtx(ctx)
  const out = rows.map((row) => write(ctx.base, root, row))
  if (!plan.expands.length) return out
  const tails = rows.map(() => '')
  for (const x of plan.expands) {
    const name = JSON.stringify(x.nav.name)
    const children = childrenOf(ctx, x, rows, toTexts)
    rows.forEach((row, i) => {
      const list = children[i]
      if (!x.nav.many) {
        if (list[0] !== undefined) tails[i] += `,${name}:${list[0]}`
        return
      }
      const page = pageOfChildren(ctx, plan, x, row[0], list)
      if (page.count !== null) tails[i] += `,${JSON.stringify(`${x.nav.name}@iot.count`)}:${page.count}`
      tails[i] += `,${name}:[${list.join(',')}]`
      if (page.nextLink) tails[i] += `,${JSON.stringify(`${x.nav.name}@iot.nextLink`)}:${JSON.stringify(page.nextLink)}`
    })
  }
  // A writer's text is never empty ('{}' at least): splice the expansions before its '}'.
  return out.map((t, i) => (tails[i] ? (t === '{}' ? `{${tails[i].slice(1)}}` : `${t.slice(0, -1)}${tails[i]}}`) : t))
}
