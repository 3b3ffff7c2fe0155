export * from './kubernetes-version';
export * from './startup-gate';
export * from './sidecar';
export * from './sidecar-workload-options';
export * from './sidecar-job';
export * from './sidecar-cron-job';
export * from './lint';
export * from './simulate';
