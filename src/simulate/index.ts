// Simulator: pod lifecycle model over plain manifest objects (issue 5).
export {};
