/**
 * Loaded with `node --import` (through NODE_OPTIONS) into the CLI under test: the Nth write to a
 * file whose path matches a pattern writes half its bytes, then
 *
 *   kill     the process SIGKILLs itself (a kill in the middle of that write), or
 *   enospc   the write fails with ENOSPC (the disk filled up in the middle of it).
 *
 *   TOKENSCOPE_TEST_WRITE_FAULT   kill | enospc
 *   TOKENSCOPE_TEST_WRITE_PATH    a regular expression on the file's path (read from /proc/self/fd)
 *   TOKENSCOPE_TEST_WRITE_NTH     which matching write (1-based, default 1); later ones fail too (a full disk stays full)
 *
 * Works in every thread (model downloads run in a worker; each thread counts its own writes).
 * Covers the writers the app has: fs.writeSync (the token cache), fs.writeFileSync (its header),
 * and FileHandle write/writev/writeFile (durable writes of projects, model downloads).
 */
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'

const fault = process.env.TOKENSCOPE_TEST_WRITE_FAULT
const pattern = process.env.TOKENSCOPE_TEST_WRITE_PATH ? new RegExp(process.env.TOKENSCOPE_TEST_WRITE_PATH) : null
const nth = Number(process.env.TOKENSCOPE_TEST_WRITE_NTH ?? 1)
let seen = 0

const pathOf = (fd) => {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`)
  } catch {
    return ''
  }
}

/** Does this write fail? Counts matching writes. */
const strikes = (path) => Boolean(pattern?.test(path)) && ++seen >= nth

const fail = (path) => {
  if (fault === 'kill') {
    process.kill(process.pid, 'SIGKILL')
    // SIGKILL is delivered before this returns; never reached.
  }
  throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write', path })
}

const half = (data) => (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).subarray(0, Math.floor((typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength) / 2))

if (fault && pattern) {
  const { writeSync, writeFileSync } = fs
  fs.writeSync = function (fd, data, ...rest) {
    const path = pathOf(fd)
    if (!strikes(path)) return writeSync.call(this, fd, data, ...rest)
    // Half of what this call would write, at the same place (the token cache writes by position).
    if (typeof data === 'string') {
      writeSync.call(this, fd, half(data), 0, half(data).length, rest[0] ?? null)
    } else {
      const [offset = 0, length = data.byteLength - offset, position = null] = rest
      const bytes = half(new Uint8Array(data.buffer, data.byteOffset + offset, length))
      writeSync.call(this, fd, bytes, 0, bytes.length, position)
    }
    fail(path)
  }
  fs.writeFileSync = function (file, data, ...rest) {
    const path = typeof file === 'number' ? pathOf(file) : String(file)
    if (!strikes(path)) return writeFileSync.call(this, file, data, ...rest)
    writeFileSync.call(this, file, half(data))
    fail(path)
  }
  syncBuiltinESMExports()

  const probe = await fs.promises.open('/dev/null', 'r')
  const proto = Object.getPrototypeOf(probe)
  await probe.close()
  const { write, writev, writeFile } = proto
  proto.write = async function (data, ...rest) {
    const path = pathOf(this.fd)
    if (!strikes(path)) return write.call(this, data, ...rest)
    await write.call(this, half(data))
    fail(path)
  }
  proto.writev = async function (buffers, ...rest) {
    const path = pathOf(this.fd)
    if (!strikes(path)) return writev.call(this, buffers, ...rest)
    await write.call(this, half(Buffer.concat(buffers)))
    fail(path)
  }
  proto.writeFile = async function (data, ...rest) {
    const path = pathOf(this.fd)
    if (!strikes(path)) return writeFile.call(this, data, ...rest)
    await write.call(this, half(data))
    fail(path)
  }
}
