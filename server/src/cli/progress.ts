// A one-line progress bar with rate and ETA for long commands (reprocess, imports, replays).
// Redraws in place on a terminal; prints a line every 10 % otherwise (logs, CI).

export interface Progress {
  update(done: number, total: number): void
  finish(message?: string): void
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, unit = 'samples'): Progress {
  const start = Date.now()
  let lastDecile = -1
  let lastDraw = 0
  const line = (done: number, total: number) => {
    const elapsed = (Date.now() - start) / 1000
    const rate = elapsed > 0 ? done / elapsed : 0
    const eta = rate > 0 && total > done ? (total - done) / rate : 0
    const frac = total > 0 ? done / total : 1
    const width = 24
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░')
    return `${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} ${unit} ${Math.round(rate)}/s ETA ${eta.toFixed(0)}s`
  }
  return {
    update(done, total) {
      if (stream.isTTY) {
        if (Date.now() - lastDraw < 100 && done < total) return
        lastDraw = Date.now()
        stream.write(`\r${line(done, total)}`)
      } else {
        const decile = total > 0 ? Math.floor((done / total) * 10) : 10
        if (decile !== lastDecile) {
          lastDecile = decile
          stream.write(`${line(done, total)}\n`)
        }
      }
    },
    finish(message) {
      if (stream.isTTY) stream.write('\n')
      if (message) stream.write(`${message}\n`)
    },
  }
}
