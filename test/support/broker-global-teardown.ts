// Jest globalTeardown: see broker-global.ts.
export { teardown as default } from './broker-global';
