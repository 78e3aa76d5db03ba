/**
 * The probe run that checks a graph edit (onnx/graph-edit.ts) did what it claims, on the edited
 * model itself: one frame of a fixed test pattern, and for each added output
 * - `last_hidden_state`: [1, T, D];
 * - `attentions`: [1, H, T, T], every row a probability distribution (sums to 1 ± 1e-3);
 * - `patch_embeds`: [1, T, P] with row 0 equal to the model's own pooled output (the class token
 *   went through exactly the cloned head), within 1e-3 of its scale.
 * An output that fails is reported with the reason; the pull then installs without it.
 */
import * as ort from 'onnxruntime-node'
import { firstLine } from '../encoder/session'
import type { VisionEdit } from '../onnx/graph-edit'

export interface EditCheckInput {
  inputName: string
  imageSize: number
  tokens: number
  hidden: number
  heads: number
  /** The pooled output patch_embeds row 0 must equal. */
  pooledOutput?: string
}

/** Reasons, by added output name, for the outputs that failed (empty: all good). */
export async function checkEdit(model: Uint8Array, edit: VisionEdit, c: EditCheckInput): Promise<Map<string, string>> {
  const failed = new Map<string, string>()
  const added = Object.values(edit.added).filter((n): n is string => !!n)
  if (!added.length) return failed
  const S = c.imageSize
  const pattern = Float32Array.from({ length: 3 * S * S }, (_, i) => Math.sin(i * 0.0131) + Math.cos(i * 0.00071))
  let out: Record<string, ort.Tensor>
  let session: ort.InferenceSession | undefined
  try {
    session = await ort.InferenceSession.create(model, { logSeverityLevel: 3 })
    const fetches = [...added, ...(c.pooledOutput && edit.added.patchEmbeds ? [c.pooledOutput] : [])]
    out = (await session.run({ [c.inputName]: new ort.Tensor('float32', pattern, [1, 3, S, S]) }, fetches)) as Record<string, ort.Tensor>
  } catch (e) {
    for (const name of added) failed.set(name, `the edited model does not run: ${firstLine(e)}`)
    return failed
  } finally {
    await session?.release()
  }
  const shape = (t: ort.Tensor, want: number[]) => t.dims.length === want.length && want.every((w, i) => w < 0 || t.dims[i] === w)
  const show = (t: ort.Tensor) => `[${t.dims.join(', ')}]`
  const { lastHiddenState, attentions, patchEmbeds } = edit.added
  if (lastHiddenState && !shape(out[lastHiddenState], [1, c.tokens, c.hidden]))
    failed.set(lastHiddenState, `shape ${show(out[lastHiddenState])}, expected [1, ${c.tokens}, ${c.hidden}]`)
  if (attentions) {
    const a = out[attentions]
    if (!shape(a, [1, c.heads, c.tokens, c.tokens])) failed.set(attentions, `shape ${show(a)}, expected [1, ${c.heads}, ${c.tokens}, ${c.tokens}]`)
    else {
      const data = a.data as Float32Array
      let worst = 0
      for (let r = 0; r < data.length; r += c.tokens) {
        let s = 0
        for (let j = 0; j < c.tokens; j++) s += data[r + j]
        worst = Math.max(worst, Math.abs(s - 1))
      }
      if (!(worst <= 1e-3)) failed.set(attentions, `rows are not probability distributions (a row sums to 1 ± ${worst.toExponential(1)})`)
    }
  }
  if (patchEmbeds && c.pooledOutput) {
    const p = out[patchEmbeds]
    const pooled = out[c.pooledOutput].data as Float32Array
    const width = pooled.length
    if (!shape(p, [1, c.tokens, width])) failed.set(patchEmbeds, `shape ${show(p)}, expected [1, ${c.tokens}, ${width}]`)
    else {
      const row0 = (p.data as Float32Array).subarray(0, width)
      const scale = Math.max(1, ...Array.from(pooled, Math.abs))
      const diff = row0.reduce((m, v, i) => Math.max(m, Math.abs(v - pooled[i])), 0)
      if (!(diff <= 1e-3 * scale)) failed.set(patchEmbeds, `row 0 differs from ${c.pooledOutput} by ${diff.toExponential(2)}`)
    }
  }
  return failed
}
