// Linter: rules over plain manifest objects (docs/rules.md). Public, jsii-compatible API only: internals live in _*.ts.
export * from './types';
export * from './linter';
export * from './validation-plugin';
