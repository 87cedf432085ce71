/**
 * The published JSON Schema of the scenario format (schema/scenario.schema.json), generated from the same zod
 * schema the loader validates with, describing the input side (what users write).
 */
import { z } from 'zod';
import { scenarioSchema } from './schema/scenario.js';

/** The JSON Schema document. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://kubesim.dev/schema/scenario.schema.json',
    title: 'kubesim Scenario (kubesim.dev/v1)',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** The schema as the text written to schema/scenario.schema.json. */
export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}
