export * from './kubernetes-version';
export * from './lint';
export * from './simulate';
