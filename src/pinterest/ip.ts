const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

// Written without node:net so the plugin bundle needs no more Node modules than a plugin server lends.
export function isIpAddress(text: string): boolean {
  if (IPV4.test(text)) return true
  if (!text.includes(':') || text.length > 45 || /[^0-9a-fA-F:.]/.test(text)) return false
  try {
    // The WHATWG URL parser validates IPv6 literals (and IPv4-mapped forms) by the RFC.
    return new URL(`http://[${text}]/`).hostname.length > 2
  } catch {
    return false
  }
}
