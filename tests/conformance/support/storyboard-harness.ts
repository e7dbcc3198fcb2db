// What the conformance tests share: the MCP example seller as a real process on loopback (its own
// process refuses non-loopback connections, support/loopback-only.cjs), and the runner's
// per-phase grades as printed lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { StoryboardResult } from '@adcp/sdk/testing';
import { repoRoot } from '../../helpers/cli.js';

export const LOOPBACK_ONLY = join(import.meta.dirname, 'loopback-only.cjs');

/** One phase as the runner graded it: `pass`, `fail`, or every step skipped (with the reasons). */
export interface PhaseGrade {
  readonly phase: string;
  readonly passed: boolean;
  readonly steps: readonly { readonly step: string; readonly outcome: string }[];
}

export interface SellerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
}

function stepOutcome(step: StoryboardResult['phases'][number]['steps'][number]): string {
  if (step.skipped === true) return `skipped:${String(step.skip_reason)}`;
  return step.passed ? 'pass' : `fail:${step.error ?? 'validation'}`;
}

export function gradesOf(result: StoryboardResult): PhaseGrade[] {
  return result.phases.map((phase) => ({
    phase: phase.phase_id,
    passed: phase.passed,
    steps: phase.steps.map((step) => ({ step: step.step_id, outcome: stepOutcome(step) })),
  }));
}

export function printGrades(label: string, grades: readonly PhaseGrade[]): void {
  const lines = grades.map(({ phase, passed, steps }) => `  ${passed ? 'PASS' : 'FAIL'} ${phase}: ${steps.map((s) => `${s.step}=${s.outcome}`).join(', ')}`);
  console.log(`${label}\n${lines.join('\n')}`);
}

/** The seller as `npm run example:seller -- --serve --unsafe-allow-private-network` runs it, on an ephemeral loopback port. */
export async function startSellerProcess(): Promise<SellerProcess> {
  const main = join(repoRoot, 'dist/examples/seller/main.js');
  if (!existsSync(main)) throw new Error('dist/examples/seller/main.js is missing: run `npm run build` first');
  const child = spawn(process.execPath, ['--require', LOOPBACK_ONLY, main, '--serve', '--unsafe-allow-private-network'], {
    cwd: repoRoot,
    env: { ...process.env, ADCP_SELLER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 1_000_000) stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`the seller exited early (code ${String(code)})`)));
    lines.on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; url?: string };
      if (event.event === 'listening' && typeof event.url === 'string') resolveUrl(event.url);
    });
  });
  return { child, url, stderr: () => stderr };
}
