import type { Command } from 'commander'
import { runDoctor, type Severity } from '../../ops/doctor.js'
import { addStoreOptions, configFrom } from '../options.js'

const MARK: Record<Severity, string> = { ok: '✓', warning: '!', error: '✗' }

export function doctorCommand(program: Command): void {
  addStoreOptions(
    program
      .command('doctor')
      .description("check a deployment: configuration, data directory and disk, database schema and integrity, fleet calibrations, ports")
      .option('--json', 'print JSON'),
  ).action(async (opts) => {
    const findings = await runDoctor(configFrom(opts))
    if (opts.json) console.log(JSON.stringify(findings, null, 2))
    else for (const f of findings) console.log(`${MARK[f.severity]} ${f.check}: ${f.message}`)
    const errors = findings.filter((f) => f.severity === 'error').length
    if (errors) {
      console.error(`${errors} problem(s) found`)
      process.exitCode = 1
    }
  })
}
