import { collectProblems, type ConfigProblem } from '../errors'
import type { FunctionConfig, MappingConfig } from './function-config-schema'
import { mappingInputsSchema } from './load'
import type { Template } from './schema'
import { closestName } from './suggest'
import { checkInputs } from './validate-inputs'

/**
 * Every problem of a configuration that shows before its Hog templates and filters are compiled: the
 * template, each input of the function and of each mapping, the keys of dictionary inputs, and mapping
 * names that look like a misspelt prebuilt one.
 */
export function configProblems(config: FunctionConfig, template: Template): ConfigProblem[] {
  if (config.template_id !== template.id) {
    return [{ field: 'template_id', detail: `No such template; this destination is '${template.id}'` }]
  }
  const problems = checkInputs(template.inputs_schema, config.inputs, 'inputs').problems
  config.mappings?.forEach((mapping, i) => problems.push(...mappingProblems(mapping, template, `mappings[${i}]`)))
  return problems
}

function mappingProblems(mapping: MappingConfig, template: Template, field: string): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const prebuilt = template.mapping_templates.map((m) => m.name)
  if (mapping.name !== undefined && !prebuilt.includes(mapping.name)) {
    // A name far from every prebuilt one is a custom mapping; a near one is most likely a typo.
    const suggestion = closestName(mapping.name, prebuilt)
    if (suggestion) {
      problems.push({ field: `${field}.name`, detail: `not a prebuilt mapping; did you mean ${suggestion}? (a custom mapping needs a name unlike the prebuilt ones)` })
    }
  }
  const schema = collectProblems(problems, () => mappingInputsSchema(mapping, template, field))
  if (schema) problems.push(...checkInputs(schema, mapping.inputs, `${field}.inputs`).problems)
  return problems
}
