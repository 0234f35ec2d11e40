import { tf } from '../tensor/tf';
import type { LayerGradients } from '../rules/rule';

/**
 * Cosine similarity between two rules' weight updates, per layer (null where a layer has
 * no weights). 1 = same direction; feedback alignment typically rises above 0 as the
 * forward weights come to align with the feedback.
 */
export async function layerCosines(a: LayerGradients, b: LayerGradients): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (let i = 0; i < a.weight.length; i++) {
    const ga = a.weight[i];
    const gb = b.weight[i];
    if (!ga || !gb) {
      out.push(null);
      continue;
    }
    const stats = tf.tidy(() => tf.stack([tf.sum(tf.mul(ga, gb)), tf.norm(ga), tf.norm(gb)]));
    const [dot, na, nb] = await stats.data();
    stats.dispose();
    out.push(na > 0 && nb > 0 ? dot / (na * nb) : 0);
  }
  return out;
}

/** Running per-layer mean of cosines. */
export class AlignmentMeter {
  private sums: number[] = [];
  private counts: number[] = [];

  add(cosines: (number | null)[]): void {
    cosines.forEach((c, i) => {
      if (c === null || !Number.isFinite(c)) return;
      this.sums[i] = (this.sums[i] ?? 0) + c;
      this.counts[i] = (this.counts[i] ?? 0) + 1;
    });
  }

  /** means per layer, or null when nothing was measured */
  take(layers: number): (number | null)[] | null {
    if (this.counts.length === 0) return null;
    const out = Array.from({ length: layers }, (_, i) => (this.counts[i] ? this.sums[i] / this.counts[i] : null));
    this.sums = [];
    this.counts = [];
    return out;
  }
}
