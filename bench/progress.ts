// Progress while the benchmark runs: a bar per section (cli-progress) on an interactive
// terminal, nothing at all in CI or when stderr is not a terminal, where the per-run lines are
// the record. Lines printed while a bar is drawn go through it, so they do not tear the bar.

import cliProgress from 'cli-progress';

let bars: cliProgress.MultiBar | null = null;
let bar: cliProgress.SingleBar | null = null;

/** Bars only on a terminal and never under CI, whose logs would fill with redraws. */
export function isProgressShown(
  stream: { isTTY?: boolean } = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const ci = env['CI'];
  return stream.isTTY === true && (ci === undefined || ci === '' || ci === 'false');
}

/** Starts a bar of `total` steps for a section (ends the previous one). */
export function startProgress(section: string, total: number): void {
  stopProgress();
  if (!isProgressShown()) return;
  bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: `${section} [{bar}] {value}/{total} steps, {duration_formatted} | {step}`,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar = bars.create(total, 0, { step: 'starting' });
}

/** One step done; `step` names what runs next or what just finished. */
export function advanceProgress(step: string): void {
  bar?.increment(1, { step });
}

/** Names the step under way without counting it. */
export function describeProgress(step: string): void {
  bar?.update({ step });
}

export function stopProgress(): void {
  bars?.stop();
  bars = null;
  bar = null;
}

/**
 * Prints a line of the run's record: to `stream` directly, unless a bar is drawn on the same
 * terminal, where it goes above the bar.
 */
export function note(line: string, stream: NodeJS.WriteStream = process.stderr): void {
  const text = line.endsWith('\n') ? line : `${line}\n`;
  if (bars !== null && stream.isTTY === true) bars.log(text);
  else stream.write(text);
}
