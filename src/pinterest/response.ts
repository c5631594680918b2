import { z } from 'zod'

/** A 200 answer: one entry per event, in request order. */
export const ConversionResponseSchema = z.object({
  num_events_received: z.number().int(),
  num_events_processed: z.number().int(),
  events: z.array(
    z.object({
      status: z.enum(['processed', 'failed']),
      error_message: z.string().nullish(),
      warning_message: z.string().nullish(),
    }),
  ),
})

export type ConversionResponse = z.infer<typeof ConversionResponseSchema>

/** Error answers: `{code, message}`, plus `details` on 422. */
export const ErrorBodySchema = z.object({
  code: z.number().int().optional(),
  message: z.string().optional(),
  details: z.unknown().optional(),
})

const MAX_MESSAGE = 500

/** Pinterest's own words for an error answer, short enough for a log line or a stored reason. */
export function errorMessage(body: unknown): string {
  const parsed = ErrorBodySchema.safeParse(body)
  if (!parsed.success) return typeof body === 'string' && body !== '' ? body.slice(0, MAX_MESSAGE) : 'no error message'
  const { code, message, details } = parsed.data
  const parts = [message ?? 'no error message']
  if (code !== undefined) parts.unshift(`code ${code}:`)
  if (details !== undefined) parts.push(`details: ${JSON.stringify(details)}`)
  return parts.join(' ').slice(0, MAX_MESSAGE)
}
