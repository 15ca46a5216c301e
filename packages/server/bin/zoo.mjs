#!/usr/bin/env node
// The `zoo` command of the built package (`pnpm build` writes dist/). A file of its own, so the
// bin exists from install time on and package managers can link it before anything is built.
await import('../dist/cli/zoo.js');
