package net.dl4jnets.common.data;

import java.util.Random;

/** The one seeded shuffle (Fisher–Yates): every random order in the suite is drawn here, so a seed fixes it. */
public final class Shuffle {
    private Shuffle() {}

    /** Shuffles a in place. */
    public static void inPlace(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** 0 … n−1 in a random order. */
    public static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        inPlace(p, rng);
        return p;
    }
}
