// Live observations from the server (server-sent events on /api/live). The browser's
// EventSource reconnects by itself; the header shows whether we are connected.

export interface LiveMessage {
  datastream: number
  observations: [number, number | null, number][]
}

export function connectLive(query: string, onMessage: (m: LiveMessage) => void): () => void {
  const state = document.getElementById('live-state')
  const show = (text: string, cls: string) => {
    if (!state) return
    state.textContent = text
    state.className = `live-state ${cls}`
  }
  const source = new EventSource(`/api/live${query}`)
  source.addEventListener('open', () => show('● live', 'on'))
  source.addEventListener('error', () => show('○ reconnecting', 'off'))
  source.addEventListener('observations', (e) => onMessage(JSON.parse((e as MessageEvent<string>).data) as LiveMessage))
  return () => {
    source.close()
    show('○ offline', 'off')
  }
}
