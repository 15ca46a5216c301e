// Parsers for the benchmark's comma-separated command-line lists (`--sections standalone,ensemble`,
// `--depth 16,50`), rejecting unknown names and non-positive depths before anything starts.

import { InvalidArgumentError } from 'commander';

/** A parser for a list drawn from `allowed`, duplicates dropped, order kept. */
export function listOf<T extends string>(allowed: readonly T[]) {
  return (text: string): T[] => {
    const items = text.split(',').map((item) => item.trim());
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (unknown.length > 0) throw new InvalidArgumentError(`unknown: ${unknown.join(', ')}`);
    return [...new Set(items)] as T[];
  };
}

/** `16,50` → [16, 50]: requests in flight per client, each a positive integer, in given order. */
export function parseDepths(text: string): number[] {
  const items = text.split(',').map((item) => item.trim());
  const bad = items.filter((item) => !/^\d+$/.test(item) || Number(item) < 1);
  if (items.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(`depths must be positive integers: ${bad.join(', ')}`);
  }
  return [...new Set(items.map(Number))];
}

/** A positive whole number of something (clients, repetitions, passes). */
export function parseCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`not a positive integer: ${text}`);
  }
  return value;
}
