import { test } from 'vitest';
import { runZabScenario } from './zab-scenario.js';
import type { ZabScenario } from './zab-scenario.js';

test('repro', () => {
  const s: ZabScenario = JSON.parse(process.env['SCENARIO'] ?? '{}');
  try {
    runZabScenario(s);
  } catch (e) {
    console.log(String(e).slice(0, 3000));
  }
});
