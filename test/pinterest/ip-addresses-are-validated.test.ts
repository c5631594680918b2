import { isIP } from 'node:net'
import { isIpAddress } from '../../src/pinterest/ip'

describe('IP address check', () => {
  it.each(['203.0.113.42', '0.0.0.0', '255.255.255.255', '::1', '2001:db8::1', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::ffff:192.0.2.1', 'fe80::1'])('accepts %s', (ip) => {
    expect(isIpAddress(ip)).toBe(true)
    expect(isIP(ip)).not.toBe(0)
  })

  it.each(['', '256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'localhost', '2001:db8::1::1', '12345::', ':::', 'http://1.2.3.4', '[::1]', '1.2.3.4 ', 'x'.repeat(60)])('refuses %j', (ip) => {
    expect(isIpAddress(ip)).toBe(false)
    expect(isIP(ip)).toBe(0)
  })
})
