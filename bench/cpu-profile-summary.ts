import fs from 'node:fs'
import path from 'node:path'

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples: number[]
  timeDeltas: number[]
}

/** Self time per function and per file of a .cpuprofile, as shares of all samples. */
export function summarise(profile: CpuProfile): { files: [string, number][]; functions: [string, number][] } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const files = new Map<string, number>()
  const functions = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame
    const file = url === '' ? '(native)' : url.replace(/^.*\/(dist-bench|node_modules)\//, '$1/')
    const us = profile.timeDeltas[i] ?? 0
    files.set(file, (files.get(file) ?? 0) + us)
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + us)
    total += us
  })
  const shares = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([name, us]): [string, number] => [name, us / total])
  return { files: shares(files), functions: shares(functions) }
}

/** The profiles of one summary as one: samples and their node ids side by side. */
function merged(profiles: CpuProfile[]): CpuProfile {
  const out: CpuProfile = { nodes: [], samples: [], timeDeltas: [] }
  profiles.forEach((profile, p) => {
    const id = (n: number) => n * profiles.length + p
    out.nodes.push(...profile.nodes.map((node) => ({ ...node, id: id(node.id) })))
    out.samples.push(...profile.samples.map(id))
    out.timeDeltas.push(...profile.timeDeltas)
  })
  return out
}

// Every profile that ran invoke.js: the main thread's of a --cpu-prof run, or each round of profile-mapping.
function main(): void {
  const dir = process.argv[2] ?? 'prof'
  const profiles = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
  const mapping = profiles.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).filter((text) => text.includes('mapping/invoke.js'))
  if (mapping.length === 0) throw new Error(`no profile in ${dir} ran mapping/invoke.js`)
  const { files, functions } = summarise(merged(mapping.map((text) => JSON.parse(text) as CpuProfile)))
  const lines = (rows: [string, number][], count: number) => rows.slice(0, count).map(([name, share]) => `${(100 * share).toFixed(1).padStart(5)}%  ${name}`)
  process.stdout.write(['self time per file', ...lines(files, 20), '', 'self time per function', ...lines(functions, 40)].join('\n') + '\n')
}

if (require.main === module) main()
