import { afterAll } from 'vitest';
import { removeSandboxes } from './cli.js';

afterAll(removeSandboxes);
