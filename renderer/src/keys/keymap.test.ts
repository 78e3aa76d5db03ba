import { describe, expect, it } from 'vitest'
import { KEYMAP, matchKey } from './keymap'

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => matchKey({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods })?.action

describe('key table', () => {
  it('maps each press to one action, with and without Shift and Ctrl', () => {
    expect(press('k')).toBe('toggle-keyframe')
    expect(press('K')).toBe('toggle-keyframe')
    expect(press('K', { shiftKey: true })).toBeUndefined()
    expect(press('.')).toBe('source-next')
    expect(press('>', { shiftKey: true })).toBe('source-hop-next')
    expect(press('<', { shiftKey: true })).toBe('source-hop-prev')
    expect(press('ArrowRight', { shiftKey: true })).toBe('sampled-next-10')
    expect(press('z', { ctrlKey: true })).toBe('undo')
    expect(press('Z', { ctrlKey: true, shiftKey: true })).toBe('redo')
    expect(press('z', { metaKey: true })).toBe('undo')
    expect(press('z')).toBeUndefined()
    expect(press('?', { shiftKey: true })).toBe('help')
    expect(press('7')).toBe('label')
    expect(press('k', { altKey: true })).toBeUndefined()
    expect(press('d')).toBe('next-disagreement')
    expect(press('D', { shiftKey: true })).toBe('previous-disagreement')
    expect(press('J')).toBe('nearest-kept')
  })

  it('no two bindings claim the same press', () => {
    const seen = new Map<string, string>()
    for (const b of KEYMAP) {
      for (const key of b.keys) {
        for (const shift of b.shift === undefined ? [false, true] : [b.shift]) {
          const id = `${Boolean(b.ctrl)}|${shift}|${key.length === 1 ? key.toLowerCase() : key}`
          expect(seen.get(id), `${b.label} and ${seen.get(id)}`).toBeUndefined()
          seen.set(id, b.label)
        }
      }
    }
  })
})
