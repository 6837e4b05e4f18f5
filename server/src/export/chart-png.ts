// SVG → PNG with resvg (Rust, no browser): the fonts are the system's (DejaVu on Debian).
import { Resvg } from '@resvg/resvg-js'

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'original' } })
  return resvg.render().asPng()
}
