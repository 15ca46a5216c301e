// `--nodes 2-6 --observers 0-2`: one sweep over many ensemble shapes. Each run's voter and
// observer counts are drawn from its seed and index (not from fast-check's stream, so the
// schedules a fixed shape draws stay what they were), and the rerun line, which carries the
// ranges, draws the same shape for every run again.

import { InvalidArgumentError } from 'commander';

export interface CountRange {
  min: number;
  max: number;
}

/** A parser of `n` or `a-b` within [lowest, highest]. */
export function countRange(lowest: number, highest: number): (text: string) => CountRange {
  return (text) => {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
    const min = Number(match?.[1]);
    const max = match?.[2] === undefined ? min : Number(match[2]);
    if (match === null || min < lowest || max > highest || min > max) {
      throw new InvalidArgumentError(`expected ${lowest} to ${highest}, or a range like 2-6`);
    }
    return { min, max };
  };
}

export function formatRange(range: CountRange): string {
  return range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`;
}

export interface EnsembleShape {
  nodes: number;
  observers: number;
}

/** Run `index`'s shape: uniform over each range, a pure function of the sweep's seed. */
export function shapeAt(
  ranges: { nodes: CountRange; observers: CountRange },
  seed: number,
  index: number,
): EnsembleShape {
  const random = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0);
  const pick = (range: CountRange): number =>
    range.min + Math.floor(random() * (range.max - range.min + 1));
  const nodes = pick(ranges.nodes);
  return { nodes, observers: pick(ranges.observers) };
}

/** A small seeded generator (mulberry32): floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
