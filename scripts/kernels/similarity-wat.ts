/**
 * The WebAssembly text of the similarity kernels (common/tensor/similarity.ts), generated here
 * because the register-blocked inner kernels are many near-identical lines. Assembled by
 * scripts/build-kernels.ts; a test checks the committed bytes are fresh.
 *
 * Every pointer is a byte offset into the module's memory. Vectors the kernels multiply are kept
 * as "rows in panels of four" (the layout BLAS packs into, so an inner step loads four rows from one
 * address with constant offsets, which measured 17 % faster than four row pointers here): rows are
 * zero-padded to rb bytes (a multiple of 16: four floats a chunk, exact zeros in every sum); panel p
 * holds rows 4p … 4p + 3, chunk by chunk, so float e of chunk c of row q is at
 * (q >> 2)·4·rb + c·64 + (q & 3)·16 + 4e. A last, partial panel is padded with zero rows.
 * Similarity matrices C are plain row-major float32 with row bytes cb.
 *
 * Every dot product is accumulated the same way whatever the block: lane l of an f32x4 accumulator
 * sums a[k]·b[k] for k ≡ l (mod 4) in increasing k (mul, then add; no fused multiply-add), and the
 * lanes are added as ((l0 + l1) + (l2 + l3)). So C[i][j] does not depend on the blocking and equals
 * C[j][i] bit for bit, on every machine.
 */

const hsum = (v: string) =>
  `(f32.add (f32.add (f32x4.extract_lane 0 ${v}) (f32x4.extract_lane 1 ${v})) (f32.add (f32x4.extract_lane 2 ${v}) (f32x4.extract_lane 3 ${v})))`

/** Byte offset of row q in a panel layout: (q >> 2)·4·rb + (q & 3)·16, with rb in $rb. */
const rowAt = (q: string) => `(i32.add (i32.mul (i32.shr_u ${q} (i32.const 2)) (i32.shl (local.get $rb) (i32.const 2))) (i32.shl (i32.and ${q} (i32.const 3)) (i32.const 4)))`

/**
 * C[r][s] = <A_r, B_s> for the four rows of one A panel (pa) and S consecutive rows of B inside one
 * panel (pb points at the first); pc = &C[0][0] of the block, cb C row bytes, pbytes = 4·rb. Only
 * the first `rows` rows are stored (the rest of a last panel is padding); with pm ≥ 0 each value is
 * also stored at pm + s·cb + 4r, the mirrored block of a symmetric product.
 */
function microKernel(S: number): string {
  const R = 4
  const l: string[] = [`(func $k4x${S} (param $pa i32) (param $pb i32) (param $pc i32) (param $pbytes i32) (param $cb i32) (param $rows i32) (param $pm i32)`]
  l.push('  (local $off i32) (local $qa i32) (local $qb i32) (local $v f32)')
  for (let r = 0; r < R; r++) l.push(`  (local $a${r} v128)`)
  for (let s = 0; s < S; s++) l.push(`  (local $b${s} v128)`)
  for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) l.push(`  (local $c${r}${s} v128)`)
  /** One chunk of four floats of every row, `u` chunks after $qa and $qb. */
  const step = (u: number) => {
    for (let r = 0; r < R; r++) l.push(`    (local.set $a${r} (v128.load offset=${16 * r + 64 * u} (local.get $qa)))`)
    for (let s = 0; s < S; s++) l.push(`    (local.set $b${s} (v128.load offset=${16 * s + 64 * u} (local.get $qb)))`)
    for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) l.push(`    (local.set $c${r}${s} (f32x4.add (local.get $c${r}${s}) (f32x4.mul (local.get $a${r}) (local.get $b${s}))))`)
  }
  // Two chunks a turn, with the exit test between them: the branch keeps V8 from loading the second
  // chunk before the first is used (which spills registers), and the turn's fixed costs halve.
  l.push('  (block $done (loop $k')
  l.push('    (local.set $qa (i32.add (local.get $pa) (local.get $off)))')
  l.push('    (local.set $qb (i32.add (local.get $pb) (local.get $off)))')
  step(0)
  l.push('    (br_if $done (i32.ge_u (i32.add (local.get $off) (i32.const 64)) (local.get $pbytes)))')
  step(1)
  l.push('    (local.set $off (i32.add (local.get $off) (i32.const 128)))')
  l.push('    (br_if $k (i32.lt_u (local.get $off) (local.get $pbytes)))))')
  for (let r = 0; r < R; r++) {
    const store: string[] = []
    for (let s = 0; s < S; s++) {
      store.push(`(local.set $v ${hsum(`(local.get $c${r}${s})`)})`)
      store.push(`(f32.store offset=${4 * s} (i32.add (local.get $pc) (i32.mul (local.get $cb) (i32.const ${r}))) (local.get $v))`)
      store.push(`(if (i32.ge_s (local.get $pm) (i32.const 0)) (then (f32.store offset=${4 * r} (i32.add (local.get $pm) (i32.mul (local.get $cb) (i32.const ${s}))) (local.get $v))))`)
    }
    l.push(`  (if (i32.gt_u (local.get $rows) (i32.const ${r})) (then ${store.join(' ')}))`)
  }
  l.push(')')
  return l.join('\n')
}

/** The call of the 4×S kernel for the A panel at row $i and B rows from $j. */
const callKernel = (S: number) => `
      (call $k4x${S} (local.get $ap) (i32.add (local.get $pb) ${rowAt('(local.get $j)')})
        (i32.add (local.get $pc) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $nb)) (local.get $j)) (i32.const 2)))
        (local.get $pbytes) (local.get $cb) (local.get $rows)
        (if (result i32) (local.get $sym) (then (i32.add (local.get $pc) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $nb)) (local.get $i)) (i32.const 2)))) (else (i32.const -1))))`

/**
 * gram(pa, na, pb, nb, rb, pc, sym): C [na, nb] = A [na, ·] · B [nb, ·]ᵀ, A and B in panels. With
 * sym = 1 (B = A) only the blocks on or above the diagonal are computed, each also stored mirrored.
 * B rows go in pairs from an even row (so a pair never straddles two panels), then one.
 */
const gram = `
(func (export "gram") (param $pa i32) (param $na i32) (param $pb i32) (param $nb i32) (param $rb i32) (param $pc i32) (param $sym i32)
  (local $i i32) (local $j i32) (local $cb i32) (local $ap i32) (local $pbytes i32) (local $rows i32)
  (local.set $cb (i32.shl (local.get $nb) (i32.const 2)))
  (local.set $pbytes (i32.shl (local.get $rb) (i32.const 2)))
  (block $di (loop $li
    (br_if $di (i32.ge_u (local.get $i) (local.get $na)))
    (local.set $ap (i32.add (local.get $pa) ${rowAt('(local.get $i)')}))
    (local.set $rows (i32.sub (local.get $na) (local.get $i)))
    (local.set $j (if (result i32) (local.get $sym) (then (local.get $i)) (else (i32.const 0))))
    (block $dj (loop $lj
      (br_if $dj (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $nb)))
      ${callKernel(2)}
      (local.set $j (i32.add (local.get $j) (i32.const 2)))
      (br $lj)))
    (if (i32.lt_u (local.get $j) (local.get $nb)) (then ${callKernel(1)}))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $li))))`

/** rowDots(pa, pb, n, rb, pout): out[i] = <A_i, B_i> for A and B in panels, accumulated like every other dot. */
const rowDots = `
(func (export "rowDots") (param $pa i32) (param $pb i32) (param $n i32) (param $rb i32) (param $pout i32)
  (local $i i32) (local $off i32) (local $acc v128) (local $at i32) (local $ra i32) (local $rbp i32) (local $pbytes i32)
  (local.set $pbytes (i32.shl (local.get $rb) (i32.const 2)))
  (block $d (loop $l
    (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $at ${rowAt('(local.get $i)')})
    (local.set $ra (i32.add (local.get $pa) (local.get $at)))
    (local.set $rbp (i32.add (local.get $pb) (local.get $at)))
    (local.set $acc (v128.const i32x4 0 0 0 0))
    (local.set $off (i32.const 0))
    (loop $k
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $ra) (local.get $off))) (v128.load (i32.add (local.get $rbp) (local.get $off))))))
      (local.set $off (i32.add (local.get $off) (i32.const 64)))
      (br_if $k (i32.lt_u (local.get $off) (local.get $pbytes))))
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
 * packRows(px, wide, n, d, pidx, unit, pout, rb): rows into panels (see the top), scaled to unit L2
 * norm when unit = 1: the sum of squares in float64 as four partial sums (k ≡ 0, 1, 2, 3 mod 4 over
 * the whole groups of four, in increasing k) added as ((s0 + s1) + (s2 + s3)), then the remaining k
 * in order; inv = 1/√s (0 for a zero row, and for one with a NaN or an infinity); each value x·inv
 * rounded once to float32. With unit = 0 the values are copied (rounded to float32 when wide).
 * Zero padding up to rb and up to a whole last panel. Source rows are float32 (wide = 0) or float64
 * (wide = 1) with stride d; pidx (or -1) lists which source rows, in order.
 */
const wideLoads = (wide: boolean, at: string) =>
  wide
    ? [`(v128.load ${at})`, `(v128.load offset=16 ${at})`]
    : [`(f64x2.promote_low_f32x4 (v128.load64_zero ${at}))`, `(f64x2.promote_low_f32x4 (v128.load64_zero offset=8 ${at}))`]
const scalarLoad = (wide: boolean, at: string) => (wide ? `(f64.load ${at})` : `(f64.promote_f32 (f32.load ${at}))`)
/** Where float k of the row at $dst goes: chunk k >> 2 (64 bytes apart), lane k & 3. */
const laneAt = `(i32.add (local.get $dst) (i32.add (i32.shl (i32.shr_u (local.get $k) (i32.const 2)) (i32.const 6)) (i32.shl (i32.and (local.get $k) (i32.const 3)) (i32.const 2))))`
const packRow = (wide: boolean) => {
  const es = wide ? 3 : 2
  const at = `(i32.add (local.get $src) (i32.shl (local.get $k) (i32.const ${es})))`
  const [lo, hi] = wideLoads(wide, at)
  return `
    (local.set $inv (f64.const 1))
    (if (local.get $unit) (then
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
      (local.set $inv (if (result f64) (f64.gt (local.get $s) (f64.const 0)) (then (f64.div (f64.const 1) (f64.sqrt (local.get $s)))) (else (f64.const 0))))))
    (local.set $vinv (f64x2.splat (local.get $inv)))
    (local.set $k (i32.const 0))
    (block $w4 (loop $m4
      (br_if $w4 (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $d)))
      (v128.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 4)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.mul ${lo} (local.get $vinv)))
          (f32x4.demote_f64x2_zero (f64x2.mul ${hi} (local.get $vinv)))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $m4)))
    (block $w1 (loop $m1
      (br_if $w1 (i32.ge_u (local.get $k) (local.get $d)))
      (f32.store ${laneAt} (f32.demote_f64 (f64.mul ${scalarLoad(wide, at)} (local.get $inv))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $m1)))`
}
const packRows = `
(func (export "packRows") (param $px i32) (param $wide i32) (param $n i32) (param $d i32) (param $pidx i32) (param $unit i32) (param $pout i32) (param $rb i32)
  (local $q i32) (local $k i32) (local $src i32) (local $dst i32) (local $s f64) (local $x f64) (local $inv f64) (local $es i32) (local $off i32)
  (local $acc0 v128) (local $acc1 v128) (local $v0 v128) (local $v1 v128) (local $vinv v128)
  (local.set $es (if (result i32) (local.get $wide) (then (i32.const 8)) (else (i32.const 4))))
  (block $d0 (loop $l0
    (br_if $d0 (i32.ge_u (local.get $q) (local.get $n)))
    (local.set $src (i32.add (local.get $px) (i32.mul (i32.mul
      (if (result i32) (i32.ge_s (local.get $pidx) (i32.const 0)) (then (i32.load (i32.add (local.get $pidx) (i32.shl (local.get $q) (i32.const 2))))) (else (local.get $q)))
      (local.get $d)) (local.get $es))))
    (local.set $dst (i32.add (local.get $pout) ${rowAt('(local.get $q)')}))
    (if (local.get $wide) (then ${packRow(true)}) (else ${packRow(false)}))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (i32.shl (local.get $k) (i32.const 2)) (local.get $rb)))
      (f32.store ${laneAt} (f32.const 0))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l3)))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (br $l0)))
  (block $d4 (loop $l4
    (br_if $d4 (i32.eqz (i32.and (local.get $q) (i32.const 3))))
    (local.set $dst (i32.add (local.get $pout) ${rowAt('(local.get $q)')}))
    (local.set $off (i32.const 0))
    (block $d5 (loop $l5
      (br_if $d5 (i32.ge_u (local.get $off) (i32.shl (local.get $rb) (i32.const 2))))
      (v128.store (i32.add (local.get $dst) (local.get $off)) (v128.const i64x2 0 0))
      (local.set $off (i32.add (local.get $off) (i32.const 64)))
      (br $l5)))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (br $l4))))`

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

/** take2($x): ($s1, $s2) stay the largest and second-largest values seen, duplicates counted (NaN never taken). */
const take2 = `(if (f32.gt (local.get $x) (local.get $s1)) (then (local.set $s2 (local.get $s1)) (local.set $s1 (local.get $x)))
      (else (if (f32.gt (local.get $x) (local.get $s2)) (then (local.set $s2 (local.get $x))))))`

/**
 * One pass over the n values at $pbest (with update, first raised to the similarities of the row
 * at $row): into $p the first index of the smallest value (a strict < scan in index order, kept per
 * lane, then the lanes' winners compared by value and index), -1 when none is below +inf.
 */
const argminPass = (update: boolean) => `
    (local.set $bv (v128.const f32x4 inf inf inf inf))
    (local.set $bi (v128.const i32x4 -1 -1 -1 -1))
    (local.set $idx (v128.const i32x4 0 1 2 3))
    (local.set $i (i32.const 0))
    (block $da${+update} (loop $la${+update}
      (br_if $da${+update} (i32.ge_u (local.get $i) (local.get $n4)))
      (local.set $at (i32.add (local.get $pbest) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $v (v128.load (local.get $at)))
      ${update ? '(local.set $v (f32x4.pmax (local.get $v) (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))))) (v128.store (local.get $at) (local.get $v))' : ''}
      (local.set $m (f32x4.lt (local.get $v) (local.get $bv)))
      (local.set $bv (v128.bitselect (local.get $v) (local.get $bv) (local.get $m)))
      (local.set $bi (v128.bitselect (local.get $idx) (local.get $bi) (local.get $m)))
      (local.set $idx (i32x4.add (local.get $idx) (v128.const i32x4 4 4 4 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $la${+update})))
    (local.set $b (f32.const inf))
    (local.set $p (i32.const -1))
    ${[0, 1, 2, 3]
      .map(
        (lane) => `(local.set $x (f32x4.extract_lane ${lane} (local.get $bv))) (local.set $xi (i32x4.extract_lane ${lane} (local.get $bi)))
    (if (i32.and (i32.ge_s (local.get $xi) (i32.const 0)) (i32.or (f32.lt (local.get $x) (local.get $b)) (i32.and (f32.eq (local.get $x) (local.get $b)) (i32.lt_s (local.get $xi) (local.get $p)))))
      (then (local.set $b (local.get $x)) (local.set $p (local.get $xi))))`,
      )
      .join('\n    ')}
    (block $dt${+update} (loop $lt${+update}
      (br_if $dt${+update} (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $at (i32.add (local.get $pbest) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $x (f32.load (local.get $at)))
      ${update ? '(local.set $y (f32.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))) (if (f32.lt (local.get $x) (local.get $y)) (then (local.set $x (local.get $y)))) (f32.store (local.get $at) (local.get $x))' : ''}
      (if (f32.lt (local.get $x) (local.get $b)) (then (local.set $b (local.get $x)) (local.set $p (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $lt${+update})))`

/**
 * maxMinOrder(ps, n, pout, pbest): DivPrune's greedy max–min order over the n × n cosine matrix S
 * (float32, symmetric, finite). DivPrune's distance is 1 − S; 1 − s is exact in float64 and
 * decreasing in s, so "the largest minimum distance" is computed as "the smallest maximum
 * similarity", with the same order and the same ties. Each token's score is first its row's
 * second-largest similarity (its nearest other token: the second-smallest distance of its row,
 * the smallest being its own), then, from the first pick on, its largest similarity to the chosen
 * set; each pick is the first token with the smallest score among those not chosen (+inf marks
 * chosen ones). pout [n] int32 picks in order; pbest [n] float32 scratch.
 */
const maxMinOrder = `
(func (export "maxMinOrder") (param $ps i32) (param $n i32) (param $pout i32) (param $pbest i32)
  (local $i i32) (local $j i32) (local $q i32) (local $p i32) (local $row i32) (local $n4 i32) (local $at i32) (local $xi i32)
  (local $x f32) (local $y f32) (local $b f32) (local $s1 f32) (local $s2 f32)
  (local $v v128) (local $l1 v128) (local $l2 v128) (local $bv v128) (local $bi v128) (local $idx v128) (local $m v128)
  (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
  (block $d0 (loop $l0
    (br_if $d0 (i32.ge_u (local.get $j) (local.get $n)))
    (local.set $row (i32.add (local.get $ps) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 2))))
    (local.set $l1 (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $l2 (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $i (i32.const 0))
    (block $d1 (loop $li
      (br_if $d1 (i32.ge_u (local.get $i) (local.get $n4)))
      (local.set $v (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $l2 (f32x4.pmax (local.get $l2) (f32x4.pmin (local.get $v) (local.get $l1))))
      (local.set $l1 (f32x4.pmax (local.get $l1) (local.get $v)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $li)))
    (local.set $s1 (f32.const -inf))
    (local.set $s2 (f32.const -inf))
    ${[0, 1, 2, 3].map((lane) => `(local.set $x (f32x4.extract_lane ${lane} (local.get $l1))) ${take2} (local.set $x (f32x4.extract_lane ${lane} (local.get $l2))) ${take2}`).join('\n    ')}
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $x (f32.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))))
      ${take2}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2)))
    (f32.store (i32.add (local.get $pbest) (i32.shl (local.get $j) (i32.const 2))) (local.get $s2))
    (local.set $j (i32.add (local.get $j) (i32.const 1)))
    (br $l0)))
  (if (i32.eqz (local.get $n)) (then (return)))
  ${argminPass(false)}
  (loop $picks
    (if (i32.lt_s (local.get $p) (i32.const 0)) (then unreachable))
    (i32.store (i32.add (local.get $pout) (i32.shl (local.get $q) (i32.const 2))) (local.get $p))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (if (i32.lt_u (local.get $q) (local.get $n)) (then
      (if (i32.eq (local.get $q) (i32.const 1)) (then
        (local.set $i (i32.const 0))
        (block $df (loop $lf
          (br_if $df (i32.ge_u (local.get $i) (local.get $n)))
          (f32.store (i32.add (local.get $pbest) (i32.shl (local.get $i) (i32.const 2))) (f32.const -inf))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $lf)))))
      (f32.store (i32.add (local.get $pbest) (i32.shl (local.get $p) (i32.const 2))) (f32.const inf))
      (local.set $row (i32.add (local.get $ps) (i32.shl (i32.mul (local.get $p) (local.get $n)) (i32.const 2))))
      ${argminPass(true)}
      (br $picks)))))`

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
  return ['(module', '(memory (export "memory") 1)', microKernel(2), microKernel(1), gram, rowDots, rowMax, packRows, addRows, maxMinOrder, scatterRows, widen, ')'].join('\n')
}
