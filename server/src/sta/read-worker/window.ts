/** Unacknowledged chunks (~64 KiB each) a streamed read may have in flight from a read worker. */
export const WINDOW = 4
