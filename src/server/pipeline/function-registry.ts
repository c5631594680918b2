import { compileFunctionSync, type CompiledFunction } from '../../mapping/compile-function'
import { storedConfig } from '../stored-config'
import { parseFunctionConfig } from '../../template/function-config'
import type { FunctionStore, StoredFunction } from '../../store/types'

export interface RunningFunction {
  stored: StoredFunction
  compiled: CompiledFunction
}

/**
 * Where a registry learns that saved configuration changed: `generation` grows with each change (on
 * Postgres, ConfigNotifications). Without it, the registry reads every function every REFRESH_MS.
 */
export interface ConfigChanges {
  readonly generation: number
}

/** The enabled functions of every project, compiled once per saved version. */
// Saved changes reach the pipeline within this time; reading every function on every round costs too much.
const REFRESH_MS = 500

export class FunctionRegistry {
  private readonly compiled = new Map<string, RunningFunction>()
  private byProject = new Map<number, RunningFunction[]>()
  private refreshedAt = -Infinity
  private loadedGeneration?: number

  constructor(
    private readonly store: FunctionStore,
    private readonly now: () => number = Date.now,
    private readonly changes?: ConfigChanges,
  ) {}

  /** Reloads what changed since the last reload (when told of a change, else at most every REFRESH_MS); the running functions by project. */
  refresh(): Map<number, RunningFunction[]> {
    if (this.changes) {
      if (this.changes.generation === this.loadedGeneration) return this.byProject
      this.loadedGeneration = this.changes.generation
    } else {
      if (this.now() - this.refreshedAt < REFRESH_MS) return this.byProject
      this.refreshedAt = this.now()
    }
    this.byProject = this.reload()
    return this.byProject
  }

  private reload(): Map<number, RunningFunction[]> {
    const active = this.store.active()
    const seen = new Set<string>()
    const byProject = new Map<number, RunningFunction[]>()
    for (const stored of active) {
      seen.add(stored.id)
      let running = this.compiled.get(stored.id)
      if (!running || running.stored.updated_at !== stored.updated_at) {
        const compiled = tryCompile(stored)
        if (!compiled) continue
        running = { stored, compiled }
        this.compiled.set(stored.id, running)
      }
      const list = byProject.get(stored.project_id) ?? []
      list.push(running)
      byProject.set(stored.project_id, list)
    }
    for (const id of this.compiled.keys()) if (!seen.has(id)) this.compiled.delete(id)
    return byProject
  }

  get(id: string): RunningFunction | undefined {
    return this.compiled.get(id)
  }

  /**
   * The function as saved now (read by the caller), compiled: a job started right after a save maps with
   * that save, not with what the last refresh saw. The sender then sends its deliveries with it too.
   */
  current(stored: StoredFunction): RunningFunction | undefined {
    const running = this.compiled.get(stored.id)
    if (running && running.stored.updated_at === stored.updated_at) return running
    const compiled = tryCompile(stored)
    if (!compiled) return undefined
    const fresh = { stored, compiled }
    this.compiled.set(stored.id, fresh)
    return fresh
  }
}

// Saved functions were validated; only a changed template could make one invalid, and that one alone stops.
function tryCompile(stored: StoredFunction): CompiledFunction | undefined {
  try {
    return compile(stored)
  } catch (error) {
    process.stderr.write(`function ${stored.id} cannot run: ${(error as Error).message}\n`)
    return undefined
  }
}

/** Stored functions were validated when saved; the secrets go back into the inputs to compile. */
function compile(stored: StoredFunction): CompiledFunction {
  return compileFunctionSync(parseFunctionConfig(storedConfig(stored)))
}
