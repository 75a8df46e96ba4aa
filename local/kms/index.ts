export { startKmsEmulator, type KmsEmulator, type KmsEmulatorOptions } from './server';
export type { KmsErrorLike } from './errors';
export type { RequestBody } from './protocol';
