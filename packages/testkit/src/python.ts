import { spawn } from 'node:child_process';
import { SYSTEM_PYTHON } from './external.js';

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a python script (source text) with Debian's python3, with a hard timeout. */
export async function runPython(source: string, args: readonly string[] = [], timeoutMs = 60_000): Promise<PythonResult> {
  return await new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, ['-c', source, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`python timed out after ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
