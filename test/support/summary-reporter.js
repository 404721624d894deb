// Prints the one plain closing line CI reads: "N passed, N failed[, N skipped]". With
// FWG_SUMMARY_LABEL set (.ci/run runs the suite once per Node version), the line is labelled
// "<label>: N passed, …" and .ci/run prints the one plain line summing the runs.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line =
      `${results.numPassedTests} passed, ${failed} failed` +
      (skipped ? `, ${skipped} skipped` : '');
    const label = process.env.FWG_SUMMARY_LABEL;
    process.stdout.write(`\n${label ? `${label}: ${line}` : line}\n`);
  }
}
module.exports = SummaryReporter;
