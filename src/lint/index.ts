// Linter: rules over plain manifest objects (issue 4).
export {};
