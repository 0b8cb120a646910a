// The contract between the action and the Python bridge, written once: the request (request.ts),
// the events (events.ts) and the constants both sides share (constants.ts), with the parts of
// provenance and reuse (provenance.ts) and of the curves and promote mode (after-run.ts). The
// bridge's JSON Schema (`npm run protocol`) is generated from these schemas and committed; the
// bridge's own protocol package mirrors them file for file, and a test on each side fails when the
// two disagree.
//
// The process rules:
// - stdin: one request (BridgeRequest), then end of file. The API key is not in it: it travels in
//   the bridge's environment.
// - stdout: one event per line (BridgeEvent). The last is `result` or `error`; the stream closing
//   after `result` while the bridge runs on means an asynchronous local run was left detached.
// - stderr: the SDK's and the job's output, shown as the step's log.
// - SIGTERM: cancel. The bridge stops the run within CANCEL_SECONDS, its watchdog ends it at
//   WATCHDOG_SECONDS, and the action kills it at BRIDGE_CANCEL_SECONDS, so a cancel ends within 5 s.

export * from './constants.js'
export * from './events.js'
export * from './request.js'
