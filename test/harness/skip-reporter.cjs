/**
 * Prints every skipped test with its title at the end of the run. A suite that can't run on this machine
 * (no moto_server, no chromium) skips one test whose title says why and what enables it, so a skip is
 * never silent.
 */
class SkipReporter {
  constructor(globalConfig) {
    this.skipped = [];
    // With -t, every test outside the pattern counts as skipped: nothing to report then.
    this.enabled = !globalConfig.testNamePattern;
  }

  onTestResult(_test, result) {
    for (const assertion of result.testResults) {
      if (assertion.status === 'pending' || assertion.status === 'skipped') this.skipped.push(assertion.fullName);
    }
  }

  onRunComplete() {
    if (!this.enabled || this.skipped.length === 0) return;
    const lines = this.skipped.map((name) => `  ○ ${name}`);
    process.stderr.write(`\nSkipped (${this.skipped.length}):\n${lines.join('\n')}\n`);
  }
}

module.exports = SkipReporter;
