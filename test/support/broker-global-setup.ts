// Jest globalSetup: see broker-global.ts.
export { setup as default } from './broker-global';
