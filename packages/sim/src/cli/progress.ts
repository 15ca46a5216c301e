// How `pnpm sim` shows its progress: a bar on a terminal, else a line every ~5% of runs (and one
// per 25 shrink runs), so that logs of long soaks stay short.

import cliProgress from 'cli-progress';
import type { Tally } from './run-tally.js';

export interface Progress {
  update(tally: Tally): void;
  /** Prints a line; a bar gives way to lines from then on (shrinking has no known total). */
  note(line: string): void;
  stop(): void;
}

export function startProgress(
  io: { isTTY: boolean; out: (line: string) => void },
  total: number,
): Progress {
  const step = Math.max(1, Math.ceil(total / 20));
  let bar: cliProgress.SingleBar | null = null;
  if (io.isTTY) {
    const format = 'sim [{bar}] {value}/{total} runs | {failed} failing | ETA {eta_formatted}';
    bar = new cliProgress.SingleBar(
      { format, stream: process.stdout, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { failed: 0 });
  }
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
  };
  return {
    update: (tally) => {
      if (bar !== null) {
        bar.update(Math.min(tally.runs, total), { failed: tally.failedRuns });
      } else if (tally.shrinkRuns === 0 && (tally.runs % step === 0 || tally.runs === total)) {
        const percent = Math.floor((tally.runs / total) * 100);
        io.out(`runs ${tally.runs}/${total} (${percent}%) · failing ${tally.failedRuns}`);
      } else if (tally.shrinkRuns > 0 && tally.shrinkRuns % 25 === 0) {
        io.out(`shrinking: ${tally.shrinkRuns} shrink runs`);
      }
    },
    note: (line) => {
      stopBar();
      io.out(line);
    },
    stop: stopBar,
  };
}
