/**
 * WebAssembly SIMD (128-bit, f32x4) versions of the fused kernels, as WAT text compiled at
 * start-up with wabt. They read and write tfjs-backend-wasm's own heap (its memory is
 * imported), so tensors need no copy. Every lane does the same float32 operations in the
 * same order as the scalar loops (no fused multiply-add), so results are bit-identical.
 * Each function handles the largest multiple of 4 elements; the caller does the tail.
 */

/** v128 load/store of the 4 floats at byte offset $o of the array starting at $p */
const load = (p: string) => `(v128.load (i32.add (local.get ${p}) (local.get $o)))`;
const store = (p: string, value: string) => `(v128.store (i32.add (local.get ${p}) (local.get $o)) ${value})`;

const lifTrace = `
  (func (export "lifTrace")
    (param $pI i32) (param $pU i32) (param $pS i32) (param $pA i32)
    (param $pUo i32) (param $pSo i32) (param $pAo i32) (param $pG i32) (param $n i32)
    (param $decay f32) (param $vth f32) (param $keep f32) (param $gain f32)
    (param $half f32) (param $height f32) (param $slope f32) (param $flags i32)
    (local $o i32) (local $end i32) (local $one v128)
    (local $vDecay v128) (local $vTh v128) (local $vKeep v128) (local $vGain v128)
    (local $vHalf v128) (local $vHeight v128) (local $vSlope v128)
    (local $u v128) (local $s v128) (local $un v128) (local $sn v128) (local $dist v128) (local $d v128) (local $x v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $vDecay (f32x4.splat (local.get $decay)))
    (local.set $vTh (f32x4.splat (local.get $vth)))
    (local.set $vKeep (f32x4.splat (local.get $keep)))
    (local.set $vGain (f32x4.splat (local.get $gain)))
    (local.set $vHalf (f32x4.splat (local.get $half)))
    (local.set $vHeight (f32x4.splat (local.get $height)))
    (local.set $vSlope (f32x4.splat (local.get $slope)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $u ${load('$pU')})
      (local.set $s ${load('$pS')})
      ;; flags bit 0: reset to zero: (u * (1 - s)) * decay, else (u - s * vTh) * decay
      (if (i32.and (local.get $flags) (i32.const 1))
        (then (local.set $un (f32x4.mul (f32x4.mul (local.get $u) (f32x4.sub (local.get $one) (local.get $s))) (local.get $vDecay))))
        (else (local.set $un (f32x4.mul (f32x4.sub (local.get $u) (f32x4.mul (local.get $s) (local.get $vTh))) (local.get $vDecay)))))
      (local.set $un (f32x4.add (local.get $un) ${load('$pI')}))
      (local.set $sn (v128.and (f32x4.ge (local.get $un) (local.get $vTh)) (local.get $one)))
      ${store('$pUo', '(local.get $un)')}
      ${store('$pSo', '(local.get $sn)')}
      ${store('$pAo', `(f32x4.add (f32x4.mul ${load('$pA')} (local.get $vKeep)) (f32x4.mul (local.get $sn) (local.get $vGain)))`)}
      ;; flags bit 2: the gate; bit 1: boxcar, else fast sigmoid
      (if (i32.and (local.get $flags) (i32.const 4)) (then
        (local.set $dist (f32x4.abs (f32x4.sub (local.get $un) (local.get $vTh))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then (local.set $d (f32x4.mul (v128.and (f32x4.lt (local.get $dist) (local.get $vHalf)) (local.get $one)) (local.get $vHeight))))
          (else
            (local.set $x (f32x4.add (f32x4.mul (local.get $dist) (local.get $vSlope)) (local.get $one)))
            (local.set $d (f32x4.div (local.get $one) (f32x4.mul (local.get $x) (local.get $x))))))
        ${store('$pG', '(f32x4.mul (local.get $d) (local.get $vGain))')}))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $next))))`;

const columnMax = `
  (func (export "columnMax") (param $pXp i32) (param $pXn i32) (param $pG i32) (param $n i32) (result f32)
    (local $o i32) (local $end i32) (local $m v128) (local $g v128)
    (local.set $m (f32x4.splat (f32.const -inf)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $g ${load('$pG')})
      (local.set $m (f32x4.max (local.get $m) (f32x4.mul (local.get $g) ${load('$pXp')})))
      (local.set $m (f32x4.max (local.get $m) (f32x4.mul (local.get $g) ${load('$pXn')})))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $next)))
    (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
             (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))`;

/** one error cell: charge, spike at theta, subtract; accumulates spike and saturation counts */
const cell = (x: string, c: string, r: string, cOut: string, out: string) => `
      (local.set $ch (f32x4.add ${load(c)} (f32x4.mul (local.get $g) ${load(x)})))
      (local.set $sp (f32x4.ge (local.get $ch) (local.get $th)))
      (local.set ${out} (v128.and (local.get $sp) (local.get $th)))
      (local.set $rest (f32x4.sub (local.get $ch) (local.get ${out})))
      ${store(r, `(local.get ${out})`)}
      ${store(cOut, '(local.get $rest)')}
      (local.set $spikes (i32x4.sub (local.get $spikes) (local.get $sp)))
      (local.set $sat (i32x4.sub (local.get $sat) (f32x4.ge (local.get $rest) (local.get $th))))`;

const columnCells = `
  (func (export "columnCells")
    (param $pXp i32) (param $pXn i32) (param $pG i32) (param $pCp i32) (param $pCn i32)
    (param $pRp i32) (param $pRn i32) (param $pCpo i32) (param $pCno i32) (param $pIn i32) (param $pStats i32)
    (param $n i32) (param $theta f32)
    (local $o i32) (local $end i32) (local $th v128) (local $g v128) (local $ch v128) (local $sp v128) (local $rest v128)
    (local $outP v128) (local $outN v128) (local $spikes v128) (local $sat v128)
    (local.set $th (f32x4.splat (local.get $theta)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $g ${load('$pG')})
      ${cell('$pXp', '$pCp', '$pRp', '$pCpo', '$outP')}
      ${cell('$pXn', '$pCn', '$pRn', '$pCno', '$outN')}
      ${store('$pIn', '(f32x4.sub (local.get $outP) (local.get $outN))')}
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $next)))
    ;; counts (lanes summed) as floats: [saturated, spikes]
    (f32.store (local.get $pStats) (f32.convert_i32_u (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $sat)) (i32x4.extract_lane 1 (local.get $sat)))
      (i32.add (i32x4.extract_lane 2 (local.get $sat)) (i32x4.extract_lane 3 (local.get $sat))))))
    (f32.store (i32.add (local.get $pStats) (i32.const 4)) (f32.convert_i32_u (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $spikes)) (i32x4.extract_lane 1 (local.get $spikes)))
      (i32.add (i32x4.extract_lane 2 (local.get $spikes)) (i32x4.extract_lane 3 (local.get $spikes)))))))`;

const adam = `
  (func (export "adam")
    (param $pW i32) (param $pG i32) (param $pM i32) (param $pV i32) (param $pWo i32) (param $pMo i32) (param $pVo i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $k1 f32) (param $k2 f32) (param $c1 f32) (param $c2 f32) (param $eps f32) (param $lr f32)
    (local $o i32) (local $end i32) (local $g v128) (local $m v128) (local $v v128)
    (local $vb1 v128) (local $vb2 v128) (local $vk1 v128) (local $vk2 v128) (local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $vlr v128)
    (local.set $vb1 (f32x4.splat (local.get $b1))) (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $vk1 (f32x4.splat (local.get $k1))) (local.set $vk2 (f32x4.splat (local.get $k2)))
    (local.set $vc1 (f32x4.splat (local.get $c1))) (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $eps))) (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $g ${load('$pG')})
      (local.set $m (f32x4.add (f32x4.mul ${load('$pM')} (local.get $vb1)) (f32x4.mul (local.get $g) (local.get $vk1))))
      (local.set $v (f32x4.add (f32x4.mul ${load('$pV')} (local.get $vb2)) (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $vk2))))
      ${store('$pMo', '(local.get $m)')}
      ${store('$pVo', '(local.get $v)')}
      ${store('$pWo', `(f32x4.sub ${load('$pW')} (f32x4.mul (f32x4.div (f32x4.div (local.get $m) (local.get $vc1))
          (f32x4.add (f32x4.sqrt (f32x4.div (local.get $v) (local.get $vc2))) (local.get $veps))) (local.get $vlr)))`)}
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $next))))`;

export const SIMD_KERNELS_WAT = `(module
  (import "env" "memory" (memory 1))
  ${lifTrace}
  ${columnMax}
  ${columnCells}
  ${adam})`;
