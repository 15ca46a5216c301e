// Randomness the core may use (election jitter), injected so a seed replays a run: the
// simulator passes its seeded PRNG, the real server one backed by the platform's from adapters/.

export interface Random {
  /** A uniform float in [0, 1). */
  nextFloat(): number;
  /** A uniform integer in [min, max], inclusive. */
  nextInt(min: number, max: number): number;
}
