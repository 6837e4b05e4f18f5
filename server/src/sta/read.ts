// Reading entities (modules in read/): a query plan (SQL + bound parameters + how to serialise
// each column) built from the model and the query options (plan.ts), run with better-sqlite3 in
// raw mode (fetch.ts: small pages at once, large ones in keyset chunks), serialised as objects
// (objects.ts) or directly as JSON text (texts.ts), with expansions batched per level
// (expand.ts); collection paging (paging.ts), one entity by id (one.ts).
export { rootOfCtx, selfLink, type ReadContext, type Row, type Scope } from './read/context.js'
export { planQuery, type Expand, type Output, type Plan } from './read/plan.js'
export { allRows, count, planRows, SMALL_PAGE } from './read/fetch.js'
export { nextQuery, skiptokenOf, type PageEnd } from './read/paging.js'
export { toEntities, toEntity } from './read/objects.js'
export { toTexts } from './read/texts.js'
export { readOne } from './read/one.js'
