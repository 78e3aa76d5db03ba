/**
 * The WebAssembly text of the similarity kernels (common/tensor/similarity.ts), generated here
 * because the register-blocked inner kernels are many near-identical lines. Assembled by
 * scripts/build-kernels.ts; a test checks the committed bytes are fresh.
 *
 * Every pointer is a byte offset into the module's memory. Matrices are row-major float32 with a
 * row stride `rb` in bytes (a multiple of 16: rows are zero-padded to a multiple of 4 floats, which
 * adds exact zeros to every sum). Every dot product is accumulated the same way whatever the block:
 * lane l of an f32x4 accumulator sums a[k]·b[k] for k ≡ l (mod 4) in increasing k (mul, then add;
 * no fused multiply-add), and the lanes are added as ((l0 + l1) + (l2 + l3)). So C[i][j] does not
 * depend on the blocking and equals C[j][i] bit for bit, on every machine.
 */

const hsum = (v: string) =>
  `(f32.add (f32.add (f32x4.extract_lane 0 ${v}) (f32x4.extract_lane 1 ${v})) (f32.add (f32x4.extract_lane 2 ${v}) (f32x4.extract_lane 3 ${v})))`

/** C[r][s] = <A_r, B_s> for an R×S block: pa, pb row pointers of the block, pc = &C[0][0] of the block, rb row bytes, cb C row bytes. */
function microKernel(R: number, S: number): string {
  const l: string[] = [`(func $k${R}x${S} (param $pa i32) (param $pb i32) (param $pc i32) (param $rb i32) (param $cb i32)`, '  (local $off i32)']
  for (let r = 0; r < R; r++) l.push(`  (local $pa${r} i32) (local $a${r} v128)`)
  for (let s = 0; s < S; s++) l.push(`  (local $pb${s} i32) (local $b${s} v128)`)
  for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) l.push(`  (local $c${r}${s} v128)`)
  for (let r = 0; r < R; r++) l.push(`  (local.set $pa${r} (i32.add (local.get $pa) (i32.mul (local.get $rb) (i32.const ${r}))))`)
  for (let s = 0; s < S; s++) l.push(`  (local.set $pb${s} (i32.add (local.get $pb) (i32.mul (local.get $rb) (i32.const ${s}))))`)
  l.push('  (loop $k')
  for (let r = 0; r < R; r++) l.push(`    (local.set $a${r} (v128.load (i32.add (local.get $pa${r}) (local.get $off))))`)
  for (let s = 0; s < S; s++) l.push(`    (local.set $b${s} (v128.load (i32.add (local.get $pb${s}) (local.get $off))))`)
  for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) l.push(`    (local.set $c${r}${s} (f32x4.add (local.get $c${r}${s}) (f32x4.mul (local.get $a${r}) (local.get $b${s}))))`)
  l.push('    (local.set $off (i32.add (local.get $off) (i32.const 16)))')
  l.push('    (br_if $k (i32.lt_u (local.get $off) (local.get $rb))))')
  for (let r = 0; r < R; r++) {
    for (let s = 0; s < S; s++) l.push(`  (f32.store offset=${4 * s} (i32.add (local.get $pc) (i32.mul (local.get $cb) (i32.const ${r}))) ${hsum(`(local.get $c${r}${s})`)})`)
  }
  l.push(')')
  return l.join('\n')
}

/** One row block (R rows at $i) against B columns from $j0 to $nb, in pairs then one. */
const rowBlock = (R: number) => `
      (local.set $j (local.get $j0))
      (block $done${R} (loop $pairs${R}
        (br_if $done${R} (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $nb)))
        (call $k${R}x2 (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rb))) (i32.add (local.get $pb) (i32.mul (local.get $j) (local.get $rb)))
          (i32.add (local.get $pc) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $nb)) (local.get $j)) (i32.const 2))) (local.get $rb) (local.get $cb))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs${R})))
      (if (i32.lt_u (local.get $j) (local.get $nb)) (then
        (call $k${R}x1 (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rb))) (i32.add (local.get $pb) (i32.mul (local.get $j) (local.get $rb)))
          (i32.add (local.get $pc) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $nb)) (local.get $j)) (i32.const 2))) (local.get $rb) (local.get $cb))))`

/**
 * gram(pa, na, pb, nb, rb, pc, sym): C [na, nb] = A [na, ·] · B [nb, ·]ᵀ. With sym = 1 (B = A),
 * only the blocks on or above the diagonal are computed and the lower triangle is mirrored.
 */
const gram = `
(func (export "gram") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (param $rb i32) (param $pc i32) (param $sym i32)
  (local $i i32) (local $j i32) (local $j0 i32) (local $cb i32)
  (local.set $cb (i32.shl (local.get $nb) (i32.const 2)))
  (block $d4 (loop $l4
    (br_if $d4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $na)))
    (local.set $j0 (if (result i32) (local.get $sym) (then (local.get $i)) (else (i32.const 0))))
    ${rowBlock(4)}
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l4)))
  (block $d1 (loop $l1
    (br_if $d1 (i32.ge_u (local.get $i) (local.get $na)))
    (local.set $j0 (if (result i32) (local.get $sym) (then (local.get $i)) (else (i32.const 0))))
    ${rowBlock(1)}
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l1)))
  (if (local.get $sym) (then
    (local.set $i (i32.const 0))
    (block $md (loop $ml
      (br_if $md (i32.ge_u (local.get $i) (local.get $na)))
      (local.set $j (i32.add (local.get $i) (i32.const 1)))
      (block $rd (loop $rl
        (br_if $rd (i32.ge_u (local.get $j) (local.get $na)))
        (f32.store (i32.add (local.get $pc) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $na)) (local.get $i)) (i32.const 2)))
          (f32.load (i32.add (local.get $pc) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $na)) (local.get $j)) (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rl)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $ml))))))`

/** rowDots(pa, pb, n, rb, pout): out[i] = <A_i, B_i>, accumulated like every other dot. */
const rowDots = `
(func (export "rowDots") (param $pa i32) (param $pb i32) (param $n i32) (param $rb i32) (param $pout i32)
  (local $i i32) (local $off i32) (local $acc v128) (local $ra i32) (local $rbp i32)
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $ra (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rb))))
    (local.set $rbp (i32.add (local.get $pb) (i32.mul (local.get $i) (local.get $rb))))
    (local.set $acc (v128.const i32x4 0 0 0 0))
    (local.set $off (i32.const 0))
    (loop $k
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $ra) (local.get $off))) (v128.load (i32.add (local.get $rbp) (local.get $off))))))
      (local.set $off (i32.add (local.get $off) (i32.const 16)))
      (br_if $k (i32.lt_u (local.get $off) (local.get $rb))))
    (f32.store (i32.add (local.get $pout) (i32.shl (local.get $i) (i32.const 2))) ${hsum('(local.get $acc)')})
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l))))`

/**
 * rowMax(pc, rows, cols, pmax, pidx): per row of C [rows, cols], the largest entry and its column,
 * the first one on ties (a strict > scan, like torch.max and np.argmax).
 */
const rowMax = `
(func (export "rowMax") (param $pc i32) (param $rows i32) (param $cols i32) (param $pmax i32) (param $pidx i32)
  (local $r i32) (local $j i32) (local $row i32) (local $best f32) (local $bi i32) (local $v f32)
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $r) (local.get $rows)))
    (local.set $row (i32.add (local.get $pc) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
    (local.set $best (f32.load (local.get $row)))
    (local.set $bi (i32.const 0))
    (local.set $j (i32.const 1))
    (block $cd (loop $cl
      (br_if $cd (i32.ge_u (local.get $j) (local.get $cols)))
      (local.set $v (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
      (if (f32.gt (local.get $v) (local.get $best)) (then (local.set $best (local.get $v)) (local.set $bi (local.get $j))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $cl)))
    (f32.store (i32.add (local.get $pmax) (i32.shl (local.get $r) (i32.const 2))) (local.get $best))
    (i32.store (i32.add (local.get $pidx) (i32.shl (local.get $r) (i32.const 2))) (local.get $bi))
    (local.set $r (i32.add (local.get $r) (i32.const 1)))
    (br $l))))`

/**
 * normalize(px, wide, n, d, pidx, pout, rb): rows scaled to unit L2 norm: the sum of squares in
 * float64 as four partial sums (k ≡ 0, 1, 2, 3 mod 4 over the whole groups of four, in increasing k)
 * added as ((s0 + s1) + (s2 + s3)), then the remaining k in order; inv = 1/√s (0 for a zero row);
 * each value x·inv rounded once to float32; zero padding up to rb. Source rows are float32
 * (wide = 0) or float64 (wide = 1) with stride d; pidx (or -1) lists which source rows, in order.
 */
const wideLoads = (wide: boolean, at: string) =>
  wide
    ? [`(v128.load ${at})`, `(v128.load offset=16 ${at})`]
    : [`(f64x2.promote_low_f32x4 (v128.load ${at}))`, `(f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (v128.load ${at}) (v128.load ${at})))`]
const scalarLoad = (wide: boolean, at: string) => (wide ? `(f64.load ${at})` : `(f64.promote_f32 (f32.load ${at}))`)
const normalizeRow = (wide: boolean) => {
  const es = wide ? 3 : 2
  const at = `(i32.add (local.get $src) (i32.shl (local.get $k) (i32.const ${es})))`
  const [lo, hi] = wideLoads(wide, at)
  return `
    (local.set $acc0 (v128.const i64x2 0 0))
    (local.set $acc1 (v128.const i64x2 0 0))
    (local.set $k (i32.const 0))
    (block $s4 (loop $l4
      (br_if $s4 (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $d)))
      (local.set $v0 ${lo})
      (local.set $v1 ${hi})
      (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $v0) (local.get $v0))))
      (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $v1) (local.get $v1))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $l4)))
    (local.set $s (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0)))
      (f64.add (f64x2.extract_lane 0 (local.get $acc1)) (f64x2.extract_lane 1 (local.get $acc1)))))
    (block $s1 (loop $l1
      (br_if $s1 (i32.ge_u (local.get $k) (local.get $d)))
      (local.set $x ${scalarLoad(wide, at)})
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $x) (local.get $x))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l1)))
    (local.set $inv (if (result f64) (f64.gt (local.get $s) (f64.const 0)) (then (f64.div (f64.const 1) (f64.sqrt (local.get $s)))) (else (f64.const 0))))
    (local.set $vinv (f64x2.splat (local.get $inv)))
    (local.set $k (i32.const 0))
    (block $w4 (loop $m4
      (br_if $w4 (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $d)))
      (v128.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 2)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.mul ${lo} (local.get $vinv)))
          (f32x4.demote_f64x2_zero (f64x2.mul ${hi} (local.get $vinv)))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $m4)))
    (block $w1 (loop $m1
      (br_if $w1 (i32.ge_u (local.get $k) (local.get $d)))
      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 2))) (f32.demote_f64 (f64.mul ${scalarLoad(wide, at)} (local.get $inv))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $m1)))`
}
const normalize = `
(func (export "normalize") (param $px i32) (param $wide i32) (param $n i32) (param $d i32) (param $pidx i32) (param $pout i32) (param $rb i32)
  (local $q i32) (local $k i32) (local $src i32) (local $dst i32) (local $s f64) (local $x f64) (local $inv f64) (local $es i32)
  (local $acc0 v128) (local $acc1 v128) (local $v0 v128) (local $v1 v128) (local $vinv v128)
  (local.set $es (if (result i32) (local.get $wide) (then (i32.const 8)) (else (i32.const 4))))
  (block $d0 (loop $l0
    (br_if $d0 (i32.ge_u (local.get $q) (local.get $n)))
    (local.set $src (i32.add (local.get $px) (i32.mul (i32.mul
      (if (result i32) (i32.ge_s (local.get $pidx) (i32.const 0)) (then (i32.load (i32.add (local.get $pidx) (i32.shl (local.get $q) (i32.const 2))))) (else (local.get $q)))
      (local.get $d)) (local.get $es))))
    (local.set $dst (i32.add (local.get $pout) (i32.mul (local.get $q) (local.get $rb))))
    (if (local.get $wide) (then ${normalizeRow(true)}) (else ${normalizeRow(false)}))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (i32.shl (local.get $k) (i32.const 2)) (local.get $rb)))
      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 2))) (f32.const 0))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l3)))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (br $l0))))`

/** addRows(psums, pdst, psrc, count, d): float64 rows sums[dst[q]] += sums[src[q]] for q in order (ToMe's merge of token sums; element by element, so exact to the order). */
const addRows = `
(func (export "addRows") (param $ps i32) (param $pdst i32) (param $psrc i32) (param $count i32) (param $d i32)
  (local $q i32) (local $k i32) (local $a i32) (local $b i32) (local $bytes i32) (local $pairs i32)
  (local.set $bytes (i32.shl (local.get $d) (i32.const 3)))
  (local.set $pairs (i32.and (local.get $bytes) (i32.const -16)))
  (block $d0 (loop $l0
    (br_if $d0 (i32.ge_u (local.get $q) (local.get $count)))
    (local.set $a (i32.add (local.get $ps) (i32.mul (i32.load (i32.add (local.get $pdst) (i32.shl (local.get $q) (i32.const 2)))) (local.get $bytes))))
    (local.set $b (i32.add (local.get $ps) (i32.mul (i32.load (i32.add (local.get $psrc) (i32.shl (local.get $q) (i32.const 2)))) (local.get $bytes))))
    (local.set $k (i32.const 0))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $k) (local.get $pairs)))
      (v128.store (i32.add (local.get $a) (local.get $k)) (f64x2.add (v128.load (i32.add (local.get $a) (local.get $k))) (v128.load (i32.add (local.get $b) (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $l2)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $k) (local.get $bytes)))
      (f64.store (i32.add (local.get $a) (local.get $k)) (f64.add (f64.load (i32.add (local.get $a) (local.get $k))) (f64.load (i32.add (local.get $b) (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 8)))
      (br $l1)))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (br $l0))))`

/**
 * maxMinOrder(ps, n, pout, pmin, ptaken): DivPrune's greedy max–min order over the n × n cosine
 * matrix S (float32, symmetric): distance 1 − S in float64; minimum distance of each token first
 * to its nearest other token (the second-smallest distance of its row, the smallest being its
 * own), then to the chosen set; each pick the first token with the largest minimum distance among
 * those not chosen. pout [n] int32 picks in order; pmin [n] float64 and ptaken [n] bytes scratch.
 */
const maxMinOrder = `
(func (export "maxMinOrder") (param $ps i32) (param $n i32) (param $pout i32) (param $pmin i32) (param $ptaken i32)
  (local $i i32) (local $j i32) (local $q i32) (local $best i32) (local $row i32) (local $v f64) (local $small f64) (local $second f64)
  (block $d0 (loop $l0
    (br_if $d0 (i32.ge_u (local.get $j) (local.get $n)))
    (local.set $row (i32.add (local.get $ps) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 2))))
    (local.set $small (f64.const inf))
    (local.set $second (f64.const inf))
    (local.set $i (i32.const 0))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $v (f64.sub (f64.const 1) (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))))))
      (if (f64.lt (local.get $v) (local.get $small))
        (then (local.set $second (local.get $small)) (local.set $small (local.get $v)))
        (else (if (f64.lt (local.get $v) (local.get $second)) (then (local.set $second (local.get $v))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1)))
    (f64.store (i32.add (local.get $pmin) (i32.shl (local.get $j) (i32.const 3)))
      (if (result f64) (i32.gt_u (local.get $n) (i32.const 1)) (then (local.get $second)) (else (f64.const 0))))
    (i32.store8 (i32.add (local.get $ptaken) (local.get $j)) (i32.const 0))
    (local.set $j (i32.add (local.get $j) (i32.const 1)))
    (br $l0)))
  (block $d2 (loop $l2
    (br_if $d2 (i32.ge_u (local.get $q) (local.get $n)))
    (local.set $best (i32.const -1))
    (local.set $j (i32.const 0))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (local.get $j) (local.get $n)))
      (if (i32.eqz (i32.load8_u (i32.add (local.get $ptaken) (local.get $j))))
        (then (if (i32.or (i32.lt_s (local.get $best) (i32.const 0))
                          (f64.gt (f64.load (i32.add (local.get $pmin) (i32.shl (local.get $j) (i32.const 3))))
                                  (f64.load (i32.add (local.get $pmin) (i32.shl (local.get $best) (i32.const 3))))))
          (then (local.set $best (local.get $j))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l3)))
    (i32.store (i32.add (local.get $pout) (i32.shl (local.get $q) (i32.const 2))) (local.get $best))
    (i32.store8 (i32.add (local.get $ptaken) (local.get $best)) (i32.const 1))
    (local.set $row (i32.add (local.get $ps) (i32.shl (i32.mul (local.get $best) (local.get $n)) (i32.const 2))))
    (local.set $j (i32.const 0))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $v (f64.sub (f64.const 1) (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))))
      (f64.store (i32.add (local.get $pmin) (i32.shl (local.get $j) (i32.const 3)))
        (if (result f64) (i32.eqz (local.get $q)) (then (local.get $v))
          (else (f64.min (f64.load (i32.add (local.get $pmin) (i32.shl (local.get $j) (i32.const 3)))) (local.get $v)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l4)))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (br $l2))))`

/** scatterRows(px, pslot, n, d, psums): float64 rows sums[slot[p]] += x[p] (float32 rows [n, d]) for p, then k, in increasing order. */
const scatterRows = `
(func (export "scatterRows") (param $px i32) (param $pslot i32) (param $n i32) (param $d i32) (param $ps i32)
  (local $p i32) (local $k i32) (local $dst i32) (local $src i32)
  (block $d0 (loop $l0
    (br_if $d0 (i32.ge_u (local.get $p) (local.get $n)))
    (local.set $dst (i32.add (local.get $ps) (i32.shl (i32.mul (i32.load (i32.add (local.get $pslot) (i32.shl (local.get $p) (i32.const 2)))) (local.get $d)) (i32.const 3))))
    (local.set $src (i32.add (local.get $px) (i32.shl (i32.mul (local.get $p) (local.get $d)) (i32.const 2))))
    (local.set $k (i32.const 0))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $k) (local.get $d)))
      (f64.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 3)))
        (f64.add (f64.load (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 3)))) (f64.promote_f32 (f32.load (i32.add (local.get $src) (i32.shl (local.get $k) (i32.const 2)))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l1)))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (br $l0))))`

/** widen(px, count, pout): float32 → float64, count values (exact). */
const widen = `
(func (export "widen") (param $px i32) (param $count i32) (param $pout i32)
  (local $k i32) (local $v v128)
  (block $d4 (loop $l4
    (br_if $d4 (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $count)))
    (local.set $v (v128.load (i32.add (local.get $px) (i32.shl (local.get $k) (i32.const 2)))))
    (v128.store (i32.add (local.get $pout) (i32.shl (local.get $k) (i32.const 3))) (f64x2.promote_low_f32x4 (local.get $v)))
    (v128.store offset=16 (i32.add (local.get $pout) (i32.shl (local.get $k) (i32.const 3)))
      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
    (local.set $k (i32.add (local.get $k) (i32.const 4)))
    (br $l4)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $k) (local.get $count)))
    (f64.store (i32.add (local.get $pout) (i32.shl (local.get $k) (i32.const 3))) (f64.promote_f32 (f32.load (i32.add (local.get $px) (i32.shl (local.get $k) (i32.const 2))))))
    (local.set $k (i32.add (local.get $k) (i32.const 1)))
    (br $l))))`

export function similarityWat(): string {
  const kernels = [[4, 2], [4, 1], [1, 2], [1, 1]].map(([r, s]) => microKernel(r, s))
  return ['(module', '(memory (export "memory") 1)', ...kernels, gram, rowDots, rowMax, normalize, addRows, maxMinOrder, scatterRows, widen, ')'].join('\n')
}
