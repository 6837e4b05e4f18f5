// The `reeflink` command. Each subcommand lives in cli/commands and has its own --help.
import { Command, CommanderError } from 'commander'
import { ConfigError } from '../config/config.js'
import { StoreError } from '../store/database.js'
import { devicesCommand } from './commands/devices.js'
import { downlinkCommand } from './commands/downlink.js'
import { doctorCommand } from './commands/doctor.js'
import { provisionCommand } from './commands/provision.js'
import { reprocessCommand } from './commands/reprocess.js'
import { serveCommand } from './commands/serve.js'
import { simCommand } from './commands/sim.js'
import { demoCommand } from './commands/demo.js'

export function buildProgram(): Command {
  const program = new Command()
    .name('reeflink')
    .description('reeflink: LoRaWAN ocean buoys to calibrated, quality-controlled, openly served data')
    .showHelpAfterError()
  serveCommand(program)
  provisionCommand(program)
  devicesCommand(program)
  downlinkCommand(program)
  reprocessCommand(program)
  doctorCommand(program)
  simCommand(program)
  demoCommand(program)
  return program
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv)
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StoreError) {
      console.error(`reeflink: ${e.message}`)
      process.exitCode = 2
      return
    }
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode
      return
    }
    throw e
  }
}
