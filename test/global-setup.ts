/**
 * Builds dist/ once, as `npm start` does, for the tests that run the built bot in a child process. The build is
 * incremental (its state in dist/.tsbuildinfo): after no change to src/ it checks and emits nothing. tsc trusts that
 * state without looking at dist/, so when a source file has no built file there the build starts from scratch.
 * Type errors are `npm test`'s type check's to report (it runs first); tsc still emits, so the build goes on past
 * them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';

const BUILD_INFO = 'dist/.tsbuildinfo';

/** Every src/ file that should have a built dist/ file has one. */
function distComplete(): boolean {
  return readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .every((f) => existsSync(`dist/${f.replace(/\.ts$/, '.js')}`));
}

export default function setup() {
  if (!distComplete()) rmSync(BUILD_INFO, { force: true });
  try {
    execFileSync(
      process.execPath,
      [
        'node_modules/typescript/bin/tsc',
        '-p',
        'tsconfig.build.json',
        '--incremental',
        '--tsBuildInfoFile',
        BUILD_INFO,
      ],
      { stdio: 'pipe' },
    );
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
    console.warn(
      `tsc reported type errors while building dist/ (npm test's type check fails on them):\n${out}`,
    );
  }
}
