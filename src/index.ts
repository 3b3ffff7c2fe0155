export * from './kubernetes-version';
