import { spawnSync } from 'node:child_process';

/**
 * The first Python with boto3: `$PYTHON` or the one on PATH, else Debian's. Outside CI a machine
 * without one skips interop tests with a visible reason; in CI its absence fails them.
 */
export function findPythonWithBoto3(): { python?: string; problem: string } {
  const problems: string[] = [];
  for (const python of new Set([process.env['PYTHON'] ?? 'python3', '/usr/bin/python3'])) {
    const probe = spawnSync(python, ['-c', 'import boto3'], { encoding: 'utf8' });
    if (probe.status === 0) return { python, problem: '' };
    problems.push(`${python}: ${probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)}`);
  }
  return { problem: `no python3 with boto3 (${problems.join('; ')})` };
}

/** The interpreter, or a thrown error that makes the test fail with the reason. */
export function pythonWithBoto3(): string {
  const { python, problem } = findPythonWithBoto3();
  if (!python) throw new Error(`${problem}: install python3-boto3 (.ci/run does)`);
  return python;
}
