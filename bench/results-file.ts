// Writes a run's results: results.json (the data, schema in results.ts) and report.html (the
// charts), into the `--out` folder, bench/results by default (ignored by git).

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from './results.js';
import { chartLibrarySource, renderReport } from './html-report.js';

export async function writeResults(dir: string, results: BenchResults): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'results.json');
  const html = join(dir, 'report.html');
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(html, renderReport(results, chartLibrarySource()));
  return [json, html];
}
