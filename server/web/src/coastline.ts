// A deliberately coarse outline of New Caledonia (Grande Terre, Isle of Pines, Loyalty Islands),
// hand-simplified to a few dozen points from public coastline positions: enough to place the
// stations, bundled so the portal needs no tile or map server. [longitude, latitude] pairs.
export const NEW_CALEDONIA: { name: string; ring: [number, number][] }[] = [
  {
    name: 'Grande Terre',
    ring: [
      [164.05, -20.1], [164.3, -20.2], [164.57, -20.4], [164.93, -20.69], [165.25, -20.78], [165.33, -20.94],
      [165.63, -21.2], [165.96, -21.47], [166.21, -21.58], [166.55, -21.82], [166.94, -22.1], [167.02, -22.3],
      [166.85, -22.42], [166.6, -22.33], [166.44, -22.29], [166.2, -22.15], [166.02, -21.93], [165.8, -21.72],
      [165.49, -21.57], [165.15, -21.35], [164.86, -21.06], [164.55, -20.8], [164.28, -20.56], [164.1, -20.32],
    ],
  },
  { name: 'Isle of Pines', ring: [[167.38, -22.53], [167.52, -22.55], [167.55, -22.68], [167.42, -22.72], [167.36, -22.62]] },
  { name: 'Ouvéa', ring: [[166.45, -20.45], [166.6, -20.55], [166.58, -20.72], [166.5, -20.7]] },
  { name: 'Lifou', ring: [[167.05, -20.75], [167.3, -20.72], [167.45, -20.9], [167.3, -21.15], [167.05, -21.0]] },
  { name: 'Maré', ring: [[167.8, -21.35], [168.05, -21.4], [168.12, -21.6], [167.9, -21.65], [167.78, -21.5]] },
]
