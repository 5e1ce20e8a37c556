/**
 * Builds dist/ once, as `npm start` does, for the tests that run the built bot in a child process. Type errors
 * are `npm test`'s type check's to report (it runs first); tsc still emits, so the build goes on past them.
 */
import { execFileSync } from 'node:child_process';

export default function setup() {
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
      stdio: 'pipe',
    });
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
    console.warn(
      `tsc reported type errors while building dist/ (npm test's type check fails on them):\n${out}`,
    );
  }
}
