/**
 * Merges streamed data into the charts in animation frames: events only mark data dirty and
 * ask for a frame; each frame lets one chart with new data draw (round robin), so no frame
 * pays for every chart at once and the main thread stays free between frames.
 */
type Subscriber = () => boolean;

const subscribers: Subscriber[] = [];
let next = 0;
let scheduled = false;
let pending = false;

function flush(): void {
  scheduled = false;
  pending = false;
  for (let i = 0; i < subscribers.length; i++) {
    const k = (next + i) % subscribers.length;
    if (subscribers[k]()) {
      next = k + 1;
      // others may still have new data: look again next frame
      invalidate();
      return;
    }
  }
  if (pending) invalidate();
}

/** Asks for a merge at the next animation frame. */
export function invalidate(): void {
  pending = true;
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(flush);
}

/** Registers a chart: it answers whether it drew (true ends this frame's merging). */
export function onFrame(subscriber: Subscriber): () => void {
  subscribers.push(subscriber);
  return () => {
    const i = subscribers.indexOf(subscriber);
    if (i >= 0) subscribers.splice(i, 1);
  };
}
