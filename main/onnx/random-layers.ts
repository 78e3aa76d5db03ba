/**
 * Layers with random weights for generated ViT graphs (the bench's ViT and the tests' fixtures):
 * they compute like a ViT but mean nothing; never present them as a model.
 */
import { type Builder, float } from './graph'

/** Uniform(−a, a) weights with a = 1/√fanIn, like a default PyTorch Linear init. */
export function randomWeights(b: Builder, rand: () => number, name: string, dims: number[], fanIn: number): string {
  const a = 1 / Math.sqrt(fanIn)
  const size = dims.reduce((x, y) => x * y, 1)
  return b.constant(name, dims, Float32Array.from({ length: size }, () => (2 * rand() - 1) * a))
}

/** LayerNorm over the last axis with random affine parameters near (1, 0). */
export function layerNorm(b: Builder, rand: () => number, name: string, x: string, d: number): string {
  const gamma = b.constant(`${name}.weight`, [d], Float32Array.from({ length: d }, () => 1 + 0.2 * (rand() - 0.5)))
  const beta = b.constant(`${name}.bias`, [d], Float32Array.from({ length: d }, () => 0.2 * (rand() - 0.5)))
  return b.op('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: float(1e-5) })
}

export function linear(b: Builder, rand: () => number, name: string, x: string, dIn: number, dOut: number): string {
  const w = randomWeights(b, rand, `${name}.weight`, [dIn, dOut], dIn)
  const bias = randomWeights(b, rand, `${name}.bias`, [dOut], dIn)
  return b.op('Add', [b.op('MatMul', [x, w]), bias])
}
