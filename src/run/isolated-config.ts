import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { refuseSymlink, writeFileAtomic } from '../store/atomic-write.js';
import type { StateDirs } from '../store/paths.js';
import { isProcessAlive } from '../store/process-alive.js';
import { profileName, quoteCommand, renderProfiles } from './aws-config-file.js';
import { rolecallCommand } from './self.js';

export interface IsolatedConfig {
  profile: string;
  configFile: string;
  credentialsFile: string;
  /** Notes the child's pid: a child that outlives a killed rolecall keeps its folder while it runs. */
  noteChild(pid: number): void;
  /** Removes the folder once the child is done. */
  remove(): void;
}

const CHILD_PID_FILE = 'child-pid';
const RUN_FOLDER = /^[1-9]\d*-[0-9a-f]{8}$/;

const runDir = (dirs: StateDirs) => join(dirs.state, 'run');

function childPid(folder: string): number | undefined {
  try {
    return Number(readFileSync(join(folder, CHILD_PID_FILE), 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

/** Folders left by rolecall processes that were killed before they could clean up, once their child is gone too. */
function sweepLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    const folder = join(dir, name);
    // Only rolecall's own folders: anything else there is left alone.
    if (!RUN_FOLDER.test(name) || !lstatSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
    const pid = Number(name.split('-')[0]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    const child = childPid(folder);
    if (child === undefined || !isProcessAlive(child)) rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * An AWS config file of the child's own, with one profile whose `credential_process` calls back into
 * this rolecall with the same configuration file: the SDKs refresh through it for as long as the child
 * runs. An empty shared credentials file beside it keeps a same-named profile in
 * `~/.aws/credentials` from taking precedence. The folder is private and per process.
 */
export function writeIsolatedConfig(
  dirs: StateDirs,
  input: { identity: string; region: string; configFile: string },
): IsolatedConfig {
  const parent = runDir(dirs);
  refuseSymlink(parent);
  // Something else in its place (a file, after damage) is rolecall's own folder no longer: replaced.
  const existing = lstatSync(parent, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) rmSync(parent, { force: true });
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  sweepLeftovers(parent);
  const dir = join(parent, `${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  const profile = profileName(input.identity);
  const credentialProcess = quoteCommand(
    [...rolecallCommand(), '--config', input.configFile, 'credential-process', '--identity', input.identity],
    process.platform,
  );
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  writeFileAtomic(
    configFile,
    renderProfiles([
      { name: profile, region: input.region, credentialProcess, comment: `rolecall identity ${input.identity}` },
    ]),
  );
  writeFileAtomic(credentialsFile, '');
  return {
    profile,
    configFile,
    credentialsFile,
    noteChild: (pid) => writeFileAtomic(join(dir, CHILD_PID_FILE), String(pid)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
