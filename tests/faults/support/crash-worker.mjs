/**
 * Loaded with `node --import` (through NODE_OPTIONS) into the CLI under test and its worker
 * threads: makes one kind of worker die abruptly, as a native crash or an out-of-memory kill of
 * the worker would, when its Nth message arrives. The main thread is left alone.
 *
 *   TOKENSCOPE_TEST_CRASH_WORKER    encode | methods
 *   TOKENSCOPE_TEST_CRASH_ON        the message number (1-based) that kills it
 *
 * Workers are told apart by their workerData: the encoder gets { entry, opts }, the methods
 * worker none.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads'

const target = process.env.TOKENSCOPE_TEST_CRASH_WORKER
const on = Number(process.env.TOKENSCOPE_TEST_CRASH_ON ?? 1)
const kind = workerData === undefined ? 'methods' : workerData && 'entry' in workerData && 'opts' in workerData ? 'encode' : 'other'

if (!isMainThread && parentPort && kind === target) {
  let seen = 0
  parentPort.on('message', () => {
    if (++seen === on) process.exit(70)
  })
}
