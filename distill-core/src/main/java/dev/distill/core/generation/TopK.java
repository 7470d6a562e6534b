package dev.distill.core.generation;

import java.util.PriorityQueue;

/** Indices of the k largest values, largest first, ties broken by lower index. */
final class TopK {
    private TopK() {}

    static int[] indices(double[] x, int k) {
        int n = Math.min(k, x.length);
        // Min-heap of the best n so far: the root is the weakest kept candidate.
        PriorityQueue<Integer> heap =
                new PriorityQueue<>(
                        n + 1,
                        (a, b) ->
                                x[a] != x[b] ? Double.compare(x[a], x[b]) : Integer.compare(b, a));
        for (int i = 0; i < x.length; i++) {
            if (heap.size() < n) {
                heap.add(i);
            } else if (x[i] > x[heap.peek()]) {
                heap.poll();
                heap.add(i);
            }
        }
        int[] out = new int[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = heap.poll();
        }
        return out;
    }
}
