import path from 'node:path'

/**
 * The script of a worker thread that sits beside `callerFile`: under ts-node (tests) the TypeScript
 * source, loaded through ts-node; in dist the compiled file.
 */
export function workerScript(callerFile: string, name: string): { file: string; execArgv: string[] } {
  const source = callerFile.endsWith('.ts')
  return {
    file: path.join(path.dirname(callerFile), `${name}${source ? '.ts' : '.js'}`),
    execArgv: source ? ['-r', 'ts-node/register/transpile-only'] : [],
  }
}
