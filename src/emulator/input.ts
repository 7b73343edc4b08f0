import { awsError } from './errors.js';

/** Reading restJson request bodies: anything malformed is AWS's 400 `InvalidRequestException`, never a crash. */

export type JsonObject = Record<string, unknown>;

export const parseJsonObject = (body: Buffer): JsonObject => {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw awsError('InvalidRequestException', 'Request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw awsError('InvalidRequestException', 'Request body must be a JSON object');
  }
  return value as JsonObject;
};

const optionalString = (input: JsonObject, member: string): string | undefined => {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw awsError('InvalidRequestException', `${member} must be a string`);
  return value;
};

export const requiredString = (input: JsonObject, member: string): string => {
  const value = optionalString(input, member);
  if (value === undefined || value === '') {
    throw awsError('InvalidRequestException', `Missing required parameter: ${member}`);
  }
  return value;
};

export const optionalStringList = (input: JsonObject, member: string): string[] | undefined => {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw awsError('InvalidRequestException', `${member} must be a list of strings`);
  }
  return value;
};
