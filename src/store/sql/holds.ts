import type { SqlConnection, SqlStatement } from './connection'
import type { DeliveryHold, HoldStore } from '../types'

const COLUMNS = 'function_id, project_id, credentials_version, http_status, reason, held_at'

export class SqlHoldStore implements HoldStore {
  private readonly holdStatement: SqlStatement
  private readonly getStatement: SqlStatement
  private readonly listStatement: SqlStatement

  constructor(db: SqlConnection) {
    // Only while the function still has the refused credentials: a request sent before a save that changed
    // them must not hold the new ones. The casts give Postgres the types of values that are only selected.
    this.holdStatement = db.prepare(
      `INSERT INTO delivery_holds (${COLUMNS})
       SELECT CAST(@function_id AS text), CAST(@project_id AS bigint), CAST(@credentials_version AS integer), CAST(@http_status AS integer), CAST(@reason AS text), CAST(@held_at AS bigint)
       FROM hog_functions WHERE id = @function_id AND credentials_version = @credentials_version
       ON CONFLICT (function_id) DO NOTHING`,
    )
    this.getStatement = db.prepare(`SELECT ${COLUMNS} FROM delivery_holds WHERE function_id = ?`)
    this.listStatement = db.prepare(`SELECT ${COLUMNS} FROM delivery_holds`)
  }

  hold(hold: DeliveryHold): boolean {
    this.holdStatement.run(hold)
    return this.get(hold.function_id)?.credentials_version === hold.credentials_version
  }

  get(functionId: string): DeliveryHold | undefined {
    return this.getStatement.get(functionId) as DeliveryHold | undefined
  }

  list(): DeliveryHold[] {
    return this.listStatement.all() as DeliveryHold[]
  }
}
