/** Debian's Chromium: the browser tests and the page benchmark drive it; playwright-core brings no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium'

/** Headless, and nothing that reaches beyond loopback (updates, sync, field trials, QUIC). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
