/** `npm run schema`: regenerates schema/scenario.schema.json. */
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from './jsonSchema.js';

writeFileSync(new URL('../../schema/scenario.schema.json', import.meta.url), scenarioJsonSchemaText());
