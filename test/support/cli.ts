// Runs the real CLI as a separate process, the way an operator or a CI job does.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'bin/runbook.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, cwd: root, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: number | string }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}
