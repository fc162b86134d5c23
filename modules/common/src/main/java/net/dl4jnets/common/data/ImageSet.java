package net.dl4jnets.common.data;

import java.util.Arrays;

/**
 * Decoded 28x28 images and their labels, as unsigned bytes. A {@link View} selects some of them by index
 * without copying.
 */
public record ImageSet(byte[] pixels, byte[] labels) {
    public int size() {
        return labels.length;
    }

    public int label(int i) {
        return labels[i] & 0xFF;
    }

    public View all() {
        int[] idx = new int[size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return new View(this, idx);
    }

    public View view(int[] indices) {
        return new View(this, indices);
    }

    public record View(ImageSet set, int[] indices) {
        public int size() {
            return indices.length;
        }

        public int label(int i) {
            return set.label(indices[i]);
        }

        /** The first image of each class present, in class order: the examples the pictures show. */
        public View firstOfEachClass(int classes) {
            int[] pick = new int[classes];
            Arrays.fill(pick, -1);
            int found = 0;
            for (int i : indices) {
                int label = set.label(i);
                if (pick[label] < 0) {
                    pick[label] = i;
                    if (++found == classes) {
                        break;
                    }
                }
            }
            return new View(set, Arrays.stream(pick).filter(i -> i >= 0).toArray());
        }

        /** One image's pixels scaled to [0,1]. */
        public float[] image(int i) {
            float[] img = new float[FashionMnist.PIXELS];
            int off = indices[i] * FashionMnist.PIXELS;
            for (int k = 0; k < img.length; k++) {
                img[k] = (set.pixels()[off + k] & 0xFF) / 255f;
            }
            return img;
        }

        /** Count of images per class. */
        public int[] histogram(int classes) {
            int[] h = new int[classes];
            for (int i : indices) {
                h[set.label(i)]++;
            }
            return h;
        }

        /** Mean and standard deviation of all pixels scaled to [0,1]. */
        public double[] pixelMeanStd() {
            int pixels = FashionMnist.PIXELS;
            long sum = 0;
            long sumSq = 0;
            byte[] px = set.pixels();
            for (int i : indices) {
                int off = i * pixels;
                for (int k = 0; k < pixels; k++) {
                    int v = px[off + k] & 0xFF;
                    sum += v;
                    sumSq += (long) v * v;
                }
            }
            double n = (double) indices.length * pixels;
            double mean = sum / n;
            double var = sumSq / n - mean * mean;
            return new double[] {mean / 255.0, Math.sqrt(Math.max(var, 0)) / 255.0};
        }
    }
}
