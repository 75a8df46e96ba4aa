/** The AWS credentials of every test process: the shared engines accept them, and the SDK finds them in the environment. */
export const harnessCredentials = { accessKeyId: 'AKIATESTHARNESS', secretAccessKey: 'test-harness-secret' };

/** For `startKmsEmulator({ credentials })`: the callers an emulator started by a test accepts. */
export const harnessKeyring: ReadonlyMap<string, string> = new Map([
  [harnessCredentials.accessKeyId, harnessCredentials.secretAccessKey],
]);
