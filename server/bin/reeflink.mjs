#!/usr/bin/env node
// Entry point of `npx reeflink`: the workspaces ship TypeScript source, loaded through tsx.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
await main(process.argv)
