import { afterAll } from 'vitest';
import { cleanUpAfterFile } from './cli.js';

afterAll(cleanUpAfterFile);
