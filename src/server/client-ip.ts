import type { FastifyRequest } from 'fastify'
import { isIpAddress } from '../pinterest/ip'

/**
 * The address of the client that sent a request: the socket's, or with Fastify's `trustProxy` the
 * left-most X-Forwarded-For entry. An IPv4 client of a dual-stack socket shows as `::ffff:1.2.3.4`,
 * which is given as `1.2.3.4`; anything that is not an IP address gives undefined.
 */
export function clientIp(request: FastifyRequest): string | undefined {
  return normaliseIp(request.ip)
}

export function normaliseIp(address: string | undefined): string | undefined {
  if (typeof address !== 'string') return undefined
  const trimmed = address.trim()
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed)
  const ip = mapped ? mapped[1] : trimmed
  return isIpAddress(ip) ? ip : undefined
}
