import { expect, it } from 'vitest'
import { parseGoTo } from './go-to'

const pts = Float64Array.from({ length: 3000 }, (_, i) => 0.05 + i / 25)

it('reads frame numbers and times in the forms people type', () => {
  expect(parseGoTo('#1234', pts)).toEqual({ frame: 1234 })
  expect(parseGoTo('f12', pts)).toEqual({ frame: 12 })
  expect(parseGoTo('frame 7', pts)).toEqual({ frame: 7 })
  // 62.5 s: the frame shown then is the last one starting at or before it.
  expect(parseGoTo('1:02.5', pts)).toEqual({ frame: Math.floor((62.5 - 0.05) * 25) })
  expect(parseGoTo('62.5s', pts)).toEqual(parseGoTo('1:02.5', pts))
  expect(parseGoTo('0:01:02.5', pts)).toEqual(parseGoTo('1:02.5', pts))
  expect(parseGoTo('0', pts)).toEqual({ frame: 0 })
  expect(parseGoTo('#3000', pts)).toEqual({ error: 'Frame 3000 is past the last frame (2999).' })
  expect('error' in parseGoTo('soon', pts)).toBe(true)
  expect('error' in parseGoTo('#5', new Float64Array(0))).toBe(true)
})
