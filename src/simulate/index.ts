// Simulator: pod lifecycle model over plain manifest objects (docs/simulator.md). Public API only; internals are `_*.ts`.
export * from './types';
export * from './simulator';
