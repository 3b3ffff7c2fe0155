// Simulator: pod lifecycle model over plain manifest objects (issue 5). Public API only; internals are `_*.ts`.
export * from './types';
export * from './simulator';
