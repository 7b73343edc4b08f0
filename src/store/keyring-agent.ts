import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';

/** The service name rolecall's entries carry in the OS keyring; the account is the store key. */
export const KEYRING_SERVICE = 'rolecall';

export type KeyringOperation = 'get' | 'set' | 'delete';

/** A helper process that talks to the OS keyring on rolecall's behalf. */
export interface KeyringAgent {
  /** The stored password for `get`, null otherwise; rejects on a keyring error or when the agent is gone. */
  call(operation: KeyringOperation, account: string, value?: string): Promise<string | null>;
}

/**
 * Runs in the helper: one JSON request per line on stdin, one JSON reply per line on stdout (secrets go
 * through the pipe, never argv). On Linux the Secret Service is required rather than silently replaced
 * by the kernel keyring, whose entries do not survive a reboot.
 */
const AGENT_SOURCE = `'use strict';
const send = (message) => process.stdout.write(JSON.stringify(message) + '\\n');
let keyring;
try {
  keyring = require(process.argv[1]);
} catch (error) {
  send({ fatal: 'cannot load @napi-rs/keyring: ' + (error && error.message) });
}
if (keyring) {
  const options = { linux: { store: 'secret-service' } };
  const operations = {
    get: (entry) => entry.getPassword(),
    set: (entry, value) => entry.setPassword(value),
    delete: (entry) => entry.deleteCredential(),
  };
  require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
    const { id, operation, account, value } = JSON.parse(line);
    try {
      const result = await operations[operation](new keyring.AsyncEntry(${JSON.stringify(KEYRING_SERVICE)}, account, options), value);
      send({ id, result: typeof result === 'string' ? result : null });
    } catch (error) {
      send({ id, error: String((error && error.message) || error) });
    }
  });
}
`;

/** The keyring took longer than the bound: it hangs, rather than being absent. */
export class KeyringTimeout extends Error {}

interface Reply {
  id?: number;
  result?: string | null;
  error?: string;
  fatal?: string;
}

/**
 * Starts the helper. The keyring library blocks in native code when D-Bus accepts a connection and
 * never answers, and a thread stuck that way keeps a Node process from exiting at all (libuv joins its
 * threads at exit). In a child process such a call can be abandoned: each call is bounded by
 * `timeoutMs`, after which the helper is killed and every later call fails at once. The helper never
 * keeps this process alive, and is killed when this process exits.
 */
export function startKeyringAgent(env: NodeJS.ProcessEnv, timeoutMs: number): KeyringAgent {
  const keyringModule = createRequire(import.meta.url).resolve('@napi-rs/keyring');
  const child = spawn(process.execPath, ['-e', AGENT_SOURCE, keyringModule], {
    env,
    stdio: ['pipe', 'pipe', 'ignore'],
    windowsHide: true,
  });
  const pending = new Map<
    number,
    { resolve(value: string | null): void; reject(error: Error): void; timer: NodeJS.Timeout }
  >();
  let failure: Error | undefined;
  let nextId = 1;

  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
  const fail = (error: Error): void => {
    failure ??= error;
    for (const call of pending.values()) {
      clearTimeout(call.timer);
      call.reject(failure);
    }
    pending.clear();
    kill();
  };

  child.on('error', (error) => fail(new Error(`the keyring helper could not start: ${error.message}`)));
  child.on('exit', (code, signal) => {
    process.off('exit', kill);
    fail(new Error(`the keyring helper stopped (${signal ?? `exit code ${code}`})`));
  });
  // A write to a helper that has just died fails with EPIPE; its 'exit' event reports that.
  child.stdin.on('error', () => undefined);
  createInterface({ input: child.stdout }).on('line', (line) => {
    const reply = parseReply(line);
    if (!reply) return;
    if (reply.fatal !== undefined) return fail(new Error(reply.fatal));
    const call = pending.get(reply.id ?? 0);
    if (!call) return;
    pending.delete(reply.id ?? 0);
    clearTimeout(call.timer);
    if (reply.error !== undefined) call.reject(new Error(reply.error));
    else call.resolve(reply.result ?? null);
  });
  child.unref();
  (child.stdin as unknown as Socket).unref();
  (child.stdout as unknown as Socket).unref();
  process.once('exit', kill);

  return {
    call(operation, account, value) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => fail(new KeyringTimeout(`the system keyring did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
        pending.set(id, { resolve, reject, timer });
        child.stdin.write(`${JSON.stringify({ id, operation, account, value })}\n`);
      });
    },
  };
}

/** A line that is not a reply (a native library printing to stdout) is not ours to act on. */
function parseReply(line: string): Reply | undefined {
  try {
    return JSON.parse(line) as Reply;
  } catch {
    return undefined;
  }
}
