// Public surface of @zoo/sim. The deterministic simulator (issue 5) grows here; today it holds
// the seeded randomness every simulated run will draw from.

export { SeededRandom } from './seeded-random.js';
