import { z } from 'zod';
import { fileSchema } from '../../config/schema.js';
import type { CommandRun } from '../context.js';

/**
 * The JSON Schema of one config file as written. Editors use it through yaml-language-server with
 * `# yaml-language-server: $schema=<path to the saved output>` at the top of the file.
 */
export const run: CommandRun = async (ctx) => {
  const schema = {
    ...z.toJSONSchema(fileSchema, { target: 'draft-2020-12' }),
    $id: 'https://rolecall.dev/schema/config.json',
    title: 'rolecall configuration',
  };
  ctx.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
  return 0;
};
