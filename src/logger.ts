export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Where components write what they do; the CLI prints it, the server stores it per function. */
export type Logger = (level: LogLevel, message: string) => void

export const silentLogger: Logger = () => {}

export const stderrLogger: Logger = (level, message) => {
  process.stderr.write(`${level}: ${message}\n`)
}
