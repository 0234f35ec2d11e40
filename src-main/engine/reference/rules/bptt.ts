import type { Matrix } from '../matrix';
import { add, matMul, sumRows, transpose, zeros, zip } from '../matrix';
import type { RefNetwork } from '../network';
import { surrogateDerivative } from '../neurons/surrogate';
import type { RefGradients } from '../training/hebbian';
import { simulateReference } from '../training/simulate';
import { targetTraces } from '../training/target';

/**
 * Reference surrogate-gradient BPTT by hand-written reverse mode through the unrolled
 * network, for E = (1/B) sum_t 1/2 |ahat[t] - a_L[t]|^2. Forward (per layer, per step):
 *
 *   I[t] = a_prev[t] W + b
 *   u[t] = m[t] * (leak(u[t-1], s[t-1]) + I[t]),  m[t] = 0 while refractory, else 1
 *   s[t] = m[t] * H(u[t] - V_th)           ds/du := m[t] f'(u[t])   (the surrogate)
 *   a[t] = k a[t-1] + s[t]/tau_s,           k = 1 - 1/tau_s
 *   leak = d u (1 - s) (reset 'zero') or d (u - V_th s) ('subtract'), d = 1 - 1/tau_m
 *
 * Backward, t = T-1 .. 0 and l = L .. 1, with g_x = dE/dx:
 *
 *   g_a[t] = k g_a[t+1] + (l = L ? -(ahat[t] - a_L[t]) / B : g_I_{l+1}[t] W_{l+1}^T)
 *   g_s[t] = g_a[t] / tau_s + d leak[t+1]/d s[t] * g_I[t+1]       (0 when the reset is detached)
 *   g_u[t] = m[t] f'(u[t]) g_s[t] + d leak[t+1]/d u[t] * g_I[t+1]
 *   g_I[t] = m[t] g_u[t],   gW += a_prev[t]^T g_I[t],   gb += sum_b g_I[t]
 */
export function bpttReference(net: RefNetwork, images: Matrix, labels: readonly number[], opts: { detachReset: boolean; uniforms?: (t: number) => Matrix }): { grads: RefGradients; loss: number } {
  const p = net.neuron;
  const sim = simulateReference(net, images, { labels, uniforms: opts.uniforms });
  const batch = images.length;
  const T = net.steps;
  const L = net.layers.length;
  const d = 1 - 1 / p.tauM;
  const k = 1 - 1 / p.tauS;
  const ahat = targetTraces(labels, net.classes, T, net.warmup, p.tauS);
  const weight = net.layers.map((l) => zeros(l.weight.length, l.weight[0].length));
  const bias = net.layers.map((l) => l.bias.map(() => 0));
  const widths = net.layers.map((l) => l.bias.length);
  let carryA = widths.map((n) => zeros(batch, n));
  let carryU = widths.map((n) => zeros(batch, n));
  let carryS = widths.map((n) => zeros(batch, n));
  for (let t = T - 1; t >= 0; t--) {
    let fromAbove: Matrix | null = null;
    const nextA: Matrix[] = [];
    const nextU: Matrix[] = [];
    const nextS: Matrix[] = [];
    for (let l = L - 1; l >= 0; l--) {
      const st = sim.states[t][l];
      const prev = t > 0 ? sim.states[t - 1][l] : null;
      const mask = st.lif.r.map((row) => row.map((r) => (r > 0 ? 0 : 1)));
      const local = l === L - 1 ? zip(ahat[t], st.a, (y, a) => -(y - a) / batch) : (fromAbove as Matrix);
      const ga = add(carryA[l], local);
      const gs = zip(ga, carryS[l], (g, c) => g / p.tauS + c);
      const gu = gs.map((row, i) => row.map((g, j) => mask[i][j] * surrogateDerivative(st.lif.u[i][j], p) * g + carryU[l][i][j]));
      const gI = zip(gu, mask, (g, m) => g * m);
      const aPrev = l === 0 ? sim.inputs[t] : sim.states[t][l - 1].a;
      weight[l] = add(weight[l], matMul(transpose(aPrev), gI));
      sumRows(gI).forEach((x, j) => (bias[l][j] += x));
      fromAbove = matMul(gI, transpose(net.layers[l].weight));
      nextA[l] = ga.map((row) => row.map((g) => k * g));
      const uPrev = prev ? prev.lif.u : zeros(batch, widths[l]);
      const sPrev = prev ? prev.lif.s : zeros(batch, widths[l]);
      nextU[l] = gI.map((row, i) => row.map((g, j) => g * d * (p.reset === 'zero' ? 1 - sPrev[i][j] : 1)));
      nextS[l] = opts.detachReset
        ? zeros(batch, widths[l])
        : gI.map((row, i) => row.map((g, j) => g * -d * (p.reset === 'zero' ? uPrev[i][j] : p.vTh)));
    }
    carryA = nextA;
    carryU = nextU;
    carryS = nextS;
  }
  return { grads: { weight, bias }, loss: sim.loss as number };
}
