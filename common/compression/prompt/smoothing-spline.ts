/**
 * A cubic smoothing spline with a residual bound, standing in for scipy's
 * UnivariateSpline(x, y, k=3, s) (FITPACK curfit), which T* fits to its frame scores.
 *
 * Both return a cubic spline g with Σ (y_i − g(x_i))² ≤ s. FITPACK picks the fewest knots that
 * meet the bound; here every x_i is a knot and g is the smoothest such spline (Reinsch 1967, in
 * Green & Silverman's form): minimise Σ (y_i − g_i)² + α ∫ g''², with α chosen (bisection on
 * log α) so the residual equals s; when even a straight line stays within s, that line (least
 * squares). With s = 0 it interpolates. Outside [x_1, x_n] it continues linearly (natural spline);
 * FITPACK continues the end polynomials. No npm package fits this; it is ~100 lines.
 */

/** The fitted spline; `at(x)` evaluates it anywhere. x must be strictly increasing, n ≥ 3. */
export function smoothingSpline(x: ArrayLike<number>, y: ArrayLike<number>, s: number): { at(v: number): number; residual: number } {
  const n = x.length
  if (n < 3) throw new RangeError('smoothingSpline: needs at least 3 points')
  const h = Float64Array.from({ length: n - 1 }, (_, i) => x[i + 1] - x[i])
  if (h.some((v) => !(v > 0))) throw new RangeError('smoothingSpline: x must be strictly increasing')
  const line = leastSquaresLine(x, y)
  const lineResidual = Array.from({ length: n }, (_, i) => (y[i] - line(x[i])) ** 2).reduce((a, b) => a + b, 0)
  if (lineResidual <= s) return { at: line, residual: lineResidual }
  let lo = -40
  let hi = 40
  let fit = solve(x, y, h, Math.exp(lo))
  for (let it = 0; it < 200 && hi - lo > 1e-10; it++) {
    const mid = (lo + hi) / 2
    const f = solve(x, y, h, Math.exp(mid))
    if (f.residual > s) hi = mid
    else [lo, fit] = [mid, f]
  }
  return { at: evaluator(x, h, fit.g, fit.gamma), residual: fit.residual }
}

function leastSquaresLine(x: ArrayLike<number>, y: ArrayLike<number>): (v: number) => number {
  const n = x.length
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) [mx, my] = [mx + x[i] / n, my + y[i] / n]
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) [sxy, sxx] = [sxy + (x[i] - mx) * (y[i] - my), sxx + (x[i] - mx) ** 2]
  const slope = sxx > 0 ? sxy / sxx : 0
  return (v) => my + slope * (v - mx)
}

/**
 * For a given α: (R + α QᵀQ) γ = Qᵀ y, g = y − α Q γ (Green & Silverman §2.3). Q is n × (n−2)
 * tridiagonal, R (n−2) × (n−2) tridiagonal; the system is symmetric pentadiagonal.
 */
function solve(x: ArrayLike<number>, y: ArrayLike<number>, h: Float64Array, alpha: number): { g: Float64Array; gamma: Float64Array; residual: number } {
  const n = x.length
  const m = n - 2
  // Column j (interior knot j + 1) of Q: rows j, j + 1, j + 2.
  const q0 = Float64Array.from({ length: m }, (_, j) => 1 / h[j])
  const q1 = Float64Array.from({ length: m }, (_, j) => -1 / h[j] - 1 / h[j + 1])
  const q2 = Float64Array.from({ length: m }, (_, j) => 1 / h[j + 1])
  // Bands of M = R + α QᵀQ: diagonal, first and second off-diagonals.
  const d0 = new Float64Array(m)
  const d1 = new Float64Array(m)
  const d2 = new Float64Array(m)
  const rhs = new Float64Array(m)
  for (let j = 0; j < m; j++) {
    d0[j] = (h[j] + h[j + 1]) / 3 + alpha * (q0[j] ** 2 + q1[j] ** 2 + q2[j] ** 2)
    if (j + 1 < m) d1[j] = h[j + 1] / 6 + alpha * (q1[j] * q0[j + 1] + q2[j] * q1[j + 1])
    if (j + 2 < m) d2[j] = alpha * q2[j] * q0[j + 2]
    rhs[j] = q0[j] * y[j] + q1[j] * y[j + 1] + q2[j] * y[j + 2]
  }
  const gammaInner = solvePentadiagonal(d0, d1, d2, rhs)
  const g = Float64Array.from({ length: n }, (_, i) => y[i])
  for (let j = 0; j < m; j++) {
    g[j] -= alpha * q0[j] * gammaInner[j]
    g[j + 1] -= alpha * q1[j] * gammaInner[j]
    g[j + 2] -= alpha * q2[j] * gammaInner[j]
  }
  let residual = 0
  for (let i = 0; i < n; i++) residual += (y[i] - g[i]) ** 2
  const gamma = new Float64Array(n)
  gamma.set(gammaInner, 1)
  return { g, gamma, residual }
}

/** Symmetric positive definite pentadiagonal system by LDLᵀ (bands d0, d1, d2). */
function solvePentadiagonal(d0: Float64Array, d1: Float64Array, d2: Float64Array, b: Float64Array): Float64Array {
  const m = d0.length
  const D = new Float64Array(m)
  const L1 = new Float64Array(m) // L[j+1][j]
  const L2 = new Float64Array(m) // L[j+2][j]
  for (let j = 0; j < m; j++) {
    D[j] = d0[j] - (j >= 1 ? L1[j - 1] ** 2 * D[j - 1] : 0) - (j >= 2 ? L2[j - 2] ** 2 * D[j - 2] : 0)
    if (j + 1 < m) L1[j] = (d1[j] - (j >= 1 ? L2[j - 1] * L1[j - 1] * D[j - 1] : 0)) / D[j]
    if (j + 2 < m) L2[j] = d2[j] / D[j]
  }
  const z = new Float64Array(m)
  for (let j = 0; j < m; j++) z[j] = b[j] - (j >= 1 ? L1[j - 1] * z[j - 1] : 0) - (j >= 2 ? L2[j - 2] * z[j - 2] : 0)
  const out = new Float64Array(m)
  for (let j = m - 1; j >= 0; j--) out[j] = z[j] / D[j] - (j + 1 < m ? L1[j] * out[j + 1] : 0) - (j + 2 < m ? L2[j] * out[j + 2] : 0)
  return out
}

/** The natural cubic spline through (x_i, g_i) with second derivatives γ (Green & Silverman (2.5)). */
function evaluator(x: ArrayLike<number>, h: Float64Array, g: Float64Array, gamma: Float64Array): (v: number) => number {
  const n = x.length
  const slopeStart = (g[1] - g[0]) / h[0] - (h[0] * gamma[1]) / 6
  const slopeEnd = (g[n - 1] - g[n - 2]) / h[n - 2] + (h[n - 2] * gamma[n - 2]) / 6
  return (v) => {
    if (v <= x[0]) return g[0] + slopeStart * (v - x[0])
    if (v >= x[n - 1]) return g[n - 1] + slopeEnd * (v - x[n - 1])
    let lo = 0
    let hi = n - 1
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (x[mid] <= v) lo = mid
      else hi = mid
    }
    const a = v - x[lo]
    const b = x[lo + 1] - v
    return (a * g[lo + 1] + b * g[lo]) / h[lo] - (a * b * ((1 + a / h[lo]) * gamma[lo + 1] + (1 + b / h[lo]) * gamma[lo])) / 6
  }
}
