/**
 * The fault test's victim (tests/project-kill.test.ts): edits a project through the real store as
 * fast as it can until it is killed. Each edit is printed (`<seq> <ms since epoch>`) right after
 * the store accepted it. Edit `seq` sets keyframe k<seq % 1000>'s note to "<seq>", and every 10th
 * edit also adds keyframe a<seq>.
 *
 * It loads, then waits for a line `<first seq>` on stdin before it opens the project, so the test
 * can start the next victim while the current one still runs.
 *
 * argv: <project file>
 */
import { newProject, type Keyframe } from '../../common/annotations/model'
import { openProjectStore } from '../../main/projects/project-store'

const [file] = process.argv.slice(2)
const keyframes: Keyframe[] = Array.from({ length: 1000 }, (_, i) => ({ id: `k${i}`, sourceFrame: i, pts: i / 25, label: '', note: '' }))
const initial = newProject({ path: '/videos/victim.mp4', fingerprint: 'feedfacefeedfacefeedfacefeedface', duration: 100, fps: 25 }, [
  { id: 'set', name: 'a', annotator: '', question: '', palette: [], keyframes, segments: [] },
])

process.stdout.write('loaded\n')
let seq = Number(await new Promise<string>((go) => process.stdin.once('data', (line) => go(String(line).trim()))))
const store = await openProjectStore({ file, initial })
process.stdout.write('ready\n')
const edit = () => {
  seq++
  store.apply({ type: 'update-keyframe', setId: 'set', id: `k${seq % 1000}`, fields: { note: String(seq) } })
  if (seq % 10 === 0) store.apply({ type: 'add-keyframe', setId: 'set', keyframe: { id: `a${seq}`, sourceFrame: 100_000 + seq, pts: 4000 + seq / 25, label: '', note: '' } })
  process.stdout.write(`${seq} ${Date.now()}\n`)
  setTimeout(edit, 3)
}
edit()
