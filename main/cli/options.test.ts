import { describe, expect, it, vi } from 'vitest'
import type { CommandContext } from './context'
import { main } from './index'
import { portArg } from './options'

const withValues = (values: CommandContext['values']): CommandContext => ({ json: false, positionals: [], values, out: () => {} })

describe('command line options', () => {
  it('--port: a port number, or none', () => {
    expect(portArg(withValues({}))).toBeUndefined()
    expect(portArg(withValues({ port: '0' }))).toBe(0)
    expect(portArg(withValues({ port: '8123' }))).toBe(8123)
  })

  it('rejects a bad --port before starting anything', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      for (const port of ['abc', '70000']) {
        expect(await main(['serve', '--port', port])).toBe(1)
        expect(errors).toHaveBeenLastCalledWith(`tokenscope serve: --port needs a number between 0 and 65535, got '${port}'`)
      }
    } finally {
      errors.mockRestore()
    }
  })
})
